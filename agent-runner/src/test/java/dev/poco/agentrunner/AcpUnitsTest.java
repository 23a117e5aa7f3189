package dev.poco.agentrunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.poco.runtime.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AcpUnitsTest {
  private static JsonArray options(String... idKind) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < idKind.length; i += 2) {
      out.add(new JsonObject().put("optionId", idKind[i]).put("name", idKind[i]).put("kind", idKind[i + 1]));
    }
    return out;
  }

  @Test
  @DisplayName("the answer is chosen by option kind, whatever the agent calls its ids")
  void chooseByKind() {
    JsonArray trae = options("allow", "allow_once", "session_level_allow", "allow_always", "reject", "reject_once");
    assertThat(AcpPermissions.choose(trae, ApprovalDecision.APPROVE)).isEqualTo("allow");
    assertThat(AcpPermissions.choose(trae, ApprovalDecision.APPROVE_SESSION)).isEqualTo("session_level_allow");
    assertThat(AcpPermissions.choose(trae, ApprovalDecision.REJECT)).isEqualTo("reject");
    JsonArray few = options("yes", "allow_once", "never", "reject_always");
    assertThat(AcpPermissions.choose(few, ApprovalDecision.APPROVE_SESSION)).as("falls back to allow_once").isEqualTo("yes");
    assertThat(AcpPermissions.choose(few, ApprovalDecision.REJECT)).as("falls back to reject_always").isEqualTo("never");
  }

  @Test
  @DisplayName("a permission request becomes a card with only the answers the agent understands")
  void approvalCard() {
    JsonObject call = new JsonObject().put("title", "Run ls").put("kind", "execute")
        .put("rawInput", new JsonObject().put("command", "ls -la"));
    Approval a = AcpPermissions.approval(call, options("a", "allow_once", "r", "reject_once"));
    assertThat(a.kind()).isEqualTo("command");
    assertThat(a.title()).isEqualTo("Run ls");
    assertThat(a.detail()).isEqualTo("ls -la");
    assertThat(a.options()).containsExactly("approve", "approve_session", "reject");
    Approval noTitle = AcpPermissions.approval(new JsonObject().put("kind", "edit"), options("a", "allow_always"));
    assertThat(noTitle.kind()).isEqualTo("file_change");
    assertThat(noTitle.title()).isEqualTo("Allow edit?");
    assertThat(noTitle.options()).containsExactly("approve_session");
  }

  @Test
  @DisplayName("coco's command, model and approval mode come from config, overridden by the workspace")
  void cocoLaunch() {
    Settings config = new Settings(new JsonObject().put("POCO_COCO_COMMAND", "/opt/trae/traecli  acp serve")
        .put("POCO_COCO_MODEL", "GPT-5").put("POCO_COCO_ENV", "A=1,B=x=y").put("POCO_COCO_HOME", "/h"));
    AcpAgentSpec coco = AcpAgentSpec.coco();
    assertThat(coco.launch(config, new JsonObject()))
        .containsExactly("/opt/trae/traecli", "acp", "serve", "-c", "model.name=GPT-5");
    assertThat(coco.launch(config, new JsonObject().put("model", "m2").put("approval_mode", "yolo")))
        .containsExactly("/opt/trae/traecli", "acp", "serve", "-c", "model.name=m2", "--yolo");
    assertThat(coco.env(config)).isEqualTo(Map.of("A", "1", "B", "x=y", "HOME", "/h"));
    assertThat(coco.notFound(config)).isEqualTo("/opt/trae/traecli not found: set POCO_COCO_COMMAND");
    assertThat(AcpAgentSpec.coco().launch(new Settings(null), null)).containsExactly("traecli", "acp", "serve");
    assertThat(AcpAgentSpec.codexAcp().key("command")).isEqualTo("POCO_CODEX_ACP_COMMAND");
  }

  @Test
  @DisplayName("POCO_ACP_AGENTS adds agents by name=command; a malformed item is refused")
  void extraAgents() {
    List<AcpAgentSpec> extra = AcpAgentSpec.extra(new Settings(new JsonObject()
        .put("POCO_ACP_AGENTS", "myagent=/opt/x/bin/agent --acp, other=other-acp")));
    assertThat(extra).extracting(AcpAgentSpec::name).containsExactly("myagent", "other");
    assertThat(extra.get(0).launch(new Settings(null), null)).containsExactly("/opt/x/bin/agent", "--acp");
    assertThatThrownBy(() -> AcpAgentSpec.extra(new Settings(new JsonObject().put("POCO_ACP_AGENTS", "Bad Name=x"))))
        .hasMessageContaining("POCO_ACP_AGENTS");
    assertThatThrownBy(() -> AcpAgentSpec.extra(new Settings(new JsonObject().put("POCO_ACP_AGENTS", "coco=x"))))
        .hasMessageContaining("built-in");
  }

  @Test
  @DisplayName("a tool record is one short line with its status")
  void toolLine() {
    assertThat(AcpTurn.toolLine(new JsonObject().put("title", "Read a.txt").put("status", "completed")))
        .isEqualTo("Read a.txt (completed)");
    assertThat(AcpTurn.toolLine(new JsonObject().put("kind", "fetch"))).isEqualTo("fetch (pending)");
  }
}
