package dev.poco.agentrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.runtime.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CodexItemsTest {
  @Test
  @DisplayName("commands lose codex's shell wrapper; tool items become one short line")
  void lines() {
    assertThat(CodexItems.startedLine(new JsonObject().put("type", "commandExecution")
        .put("command", "/bin/bash -lc 'touch x'"))).isEqualTo("$ touch x");
    assertThat(CodexItems.startedLine(new JsonObject().put("type", "fileChange").put("changes",
        new JsonArray().add(new JsonObject().put("path", "a.txt")).add(new JsonObject().put("path", "b.txt")))))
        .isEqualTo("edit a.txt, b.txt");
    assertThat(CodexItems.startedLine(new JsonObject().put("type", "mcpToolCall").put("server", "gh").put("tool", "pr")))
        .isEqualTo("tool gh.pr");
    assertThat(CodexItems.startedLine(new JsonObject().put("type", "reasoning"))).isNull();
    assertThat(CodexItems.completedLine(new JsonObject().put("type", "commandExecution").put("command", "false")
        .put("status", "failed").put("exitCode", 1))).isEqualTo("$ false → exit 1");
    assertThat(CodexItems.completedLine(new JsonObject().put("type", "commandExecution").put("command", "ls")
        .put("status", "completed").put("exitCode", 0))).isNull();
    assertThat(CodexItems.shorten("x".repeat(500))).hasSize(161);
  }

  @Test
  @DisplayName("a command approval shows the command, its cwd and the reason")
  void commandApproval() {
    Approval a = CodexItems.commandApproval(new JsonObject().put("command", "/bin/bash -lc 'rm -rf build'")
        .put("cwd", "/repo").put("reason", "clean up"));
    assertThat(a.kind()).isEqualTo("command");
    assertThat(a.title()).isEqualTo("Run `rm -rf build`?");
    assertThat(a.detail()).contains("rm -rf build").contains("in /repo").contains("reason: clean up");
    assertThat(a.options()).containsExactly("approve", "approve_session", "reject");
  }

  @Test
  @DisplayName("a file change approval takes paths and diffs from the started item")
  void fileApproval() {
    JsonObject item = new JsonObject().put("changes", new JsonArray().add(new JsonObject().put("path", "/r/f.txt")
        .put("kind", new JsonObject().put("type", "update")).put("diff", "@@ -1 +1 @@\n-a\n+b")));
    Approval a = CodexItems.fileApproval(new JsonObject(), item);
    assertThat(a.kind()).isEqualTo("file_change");
    assertThat(a.title()).isEqualTo("Change /r/f.txt?");
    assertThat(a.detail()).contains("/r/f.txt (update)").contains("+b");
    assertThat(CodexItems.fileApproval(new JsonObject(), null).detail()).contains("did not say");
  }

  @Test
  @DisplayName("settings: the task's over POCO_CODEX_* over the defaults (workspace-write, untrusted)")
  void options() {
    Vertx vertx = Vertx.vertx();
    try {
      CodexBackend plain = new CodexBackend(vertx, new Settings(new JsonObject()), null);
      assertThat(plain.options(new JsonObject())).isEqualTo(new JsonObject().put("sandbox", "workspace-write")
          .put("approvalPolicy", "untrusted"));
      CodexBackend configured = new CodexBackend(vertx, new Settings(new JsonObject().put("POCO_CODEX_MODEL", "m1")
          .put("POCO_CODEX_SANDBOX", "read-only")), null);
      assertThat(configured.options(new JsonObject().put("approval_policy", "never").put("model", "m2")))
          .isEqualTo(new JsonObject().put("sandbox", "read-only").put("approvalPolicy", "never").put("model", "m2"));
    } finally {
      vertx.close().await();
    }
  }
}
