package dev.poco.agentrunner;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DiffSummaryTest {
  @Test
  @DisplayName("a git diff becomes files changed with +/- counts")
  void summary() {
    String diff = String.join("\n",
        "diff --git a/src/app.py b/src/app.py", "index 1..2 100644", "--- a/src/app.py", "+++ b/src/app.py",
        "@@ -1,3 +1,4 @@", " keep", "-old", "+new", "+more",
        "diff --git a/README.md b/README.md", "new file mode 100644", "--- /dev/null", "+++ b/README.md",
        "@@ -0,0 +1 @@", "+hello", "");
    JsonObject s = DiffSummary.of(diff);
    assertThat(s.getInteger("added")).isEqualTo(3);
    assertThat(s.getInteger("removed")).isEqualTo(1);
    assertThat(s.getJsonArray("files").getJsonObject(0).getString("path")).isEqualTo("src/app.py");
    assertThat(s.getJsonArray("files").getJsonObject(1)).isEqualTo(
        new JsonObject().put("path", "README.md").put("added", 1).put("removed", 0));
  }
}
