package dev.poco.agentrunner;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A TurnSink that writes down what it was told, as "kind:text" lines. */
class RecordingSink implements TurnSink {
  final List<String> calls = new ArrayList<>();

  @Override public void session(String sessionId) { calls.add("session:" + sessionId); }

  @Override public void delta(String text) { calls.add("delta:" + text); }

  @Override public void activity(String text) { calls.add("activity:" + text); }

  @Override public void approval(Approval request) { calls.add("approval:" + request.title()); }

  @Override public void usage(JsonObject usage) { calls.add("usage:" + usage.encode()); }
}
