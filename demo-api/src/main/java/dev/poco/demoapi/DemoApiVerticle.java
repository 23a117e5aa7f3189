package dev.poco.demoapi;

import io.vertx.core.VerticleBase;

/** Placeholder until this role is built. */
public class DemoApiVerticle extends VerticleBase {}
