package dev.poco.launcher;

import io.vertx.core.VerticleBase;

/** Deploys and does nothing. */
public class IdleVerticle extends VerticleBase {}
