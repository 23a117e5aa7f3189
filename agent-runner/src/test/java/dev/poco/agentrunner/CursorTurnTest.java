package dev.poco.agentrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.TaskStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CursorTurnTest {
  final RecordingSink sink = new RecordingSink();
  final CursorTurn turn = new CursorTurn(null, sink);

  static String assistant(String text) {
    return new JsonObject().put("type", "assistant").put("message", new JsonObject().put("role", "assistant")
        .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", text)))).encode();
  }

  @Test
  @DisplayName("partials are deltas; the whole message that repeats them adds nothing")
  void partialsThenWhole() {
    turn.onLine("{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"chat-1\"}");
    turn.onLine(assistant("Hel"));
    turn.onLine(assistant("lo"));
    turn.onLine(assistant("Hello"));
    assertThat(sink.calls).containsExactly("session:chat-1", "delta:Hel", "delta:lo");
  }

  @Test
  @DisplayName("cumulative snapshots add only their new suffix; a tool call starts a new segment")
  void cumulativeAndTools() {
    turn.onLine(assistant("Look"));
    turn.onLine(assistant("Looking"));
    turn.onLine(new JsonObject().put("type", "tool_call").put("subtype", "started")
        .put("tool_call", new JsonObject().put("readToolCall", new JsonObject()
            .put("args", new JsonObject().put("path", "README.md")))).encode());
    turn.onLine(assistant("Looking"));
    assertThat(sink.calls).containsExactly("delta:Look", "delta:ing", "activity:read: README.md", "delta:Looking");
  }

  @Test
  @DisplayName("a non-JSON line is skipped; result success completes with its text, is_error fails")
  void results() {
    turn.onLine("not json {");
    turn.onLine("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"result\":\"done\"}");
    assertThat(turn.outcome().result().status()).isEqualTo(TaskStatus.COMPLETED);
    assertThat(turn.outcome().result().result()).isEqualTo("done");

    CursorTurn bad = new CursorTurn(null, sink);
    bad.onLine("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,\"result\":\"quota\"}");
    assertThat(bad.outcome().result().status()).isEqualTo(TaskStatus.FAILED);
    assertThat(bad.outcome().result().error()).contains("quota");
  }
}
