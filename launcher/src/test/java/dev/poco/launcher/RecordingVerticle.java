package dev.poco.launcher;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records starts and stops (with the config it got) so deployment tests can check order and rollback. */
public class RecordingVerticle extends VerticleBase {
  static final List<String> EVENTS = new CopyOnWriteArrayList<>();

  protected String name() { return getClass().getSimpleName(); }

  @Override
  public Future<?> start() {
    EVENTS.add("start " + name() + " " + config().getString("POCO_MARK"));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    EVENTS.add("stop " + name());
    return Future.succeededFuture();
  }

  public static class A extends RecordingVerticle {}

  public static class B extends RecordingVerticle {}

  public static class C extends RecordingVerticle {}

  public static class Failing extends RecordingVerticle {
    @Override
    public Future<?> start() {
      EVENTS.add("start " + name());
      return Future.failedFuture("port 8000 is taken");
    }
  }
}
