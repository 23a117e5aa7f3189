package dev.poco.agentrunner;

import io.vertx.core.VerticleBase;

/** Placeholder until this role is built. */
public class RunnerVerticle extends VerticleBase {}
