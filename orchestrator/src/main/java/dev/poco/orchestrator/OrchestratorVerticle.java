package dev.poco.orchestrator;

import io.vertx.core.VerticleBase;

/** Placeholder until this role is built. */
public class OrchestratorVerticle extends VerticleBase {}
