package dev.poco.store;

import io.vertx.core.VerticleBase;

/** Placeholder until this role is built. */
public class StoreVerticle extends VerticleBase {}
