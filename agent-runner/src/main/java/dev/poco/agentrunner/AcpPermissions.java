package dev.poco.agentrunner;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** ACP permission requests as cards, and the card's answer as the agent's option, chosen by kind (ids differ per agent). */
final class AcpPermissions {
  private AcpPermissions() {}

  /** The optionId for a decision, or null when the agent offers nothing that fits. */
  static String choose(JsonArray options, ApprovalDecision decision) {
    return switch (decision) {
      case APPROVE -> byKind(options, "allow_once");
      case APPROVE_SESSION -> first(byKind(options, "allow_always"), byKind(options, "allow_once"));
      case REJECT -> first(byKind(options, "reject_once"), byKind(options, "reject_always"));
    };
  }

  static Approval approval(JsonObject toolCall, JsonArray options) {
    String title = toolCall.getString("title");
    if (title == null || title.isBlank()) title = "Allow " + toolCall.getString("kind", "this tool call") + "?";
    List<String> answers = new ArrayList<>();
    for (ApprovalDecision d : ApprovalDecision.values()) if (choose(options, d) != null) answers.add(d.wire());
    return new Approval(kind(toolCall.getString("kind")), title, detail(toolCall), answers);
  }

  private static String kind(String acpKind) {
    if (acpKind == null) return "permission";
    return switch (acpKind) {
      case "execute" -> "command";
      case "edit", "delete", "move" -> "file_change";
      default -> "permission";
    };
  }

  private static String detail(JsonObject toolCall) {
    Object raw = toolCall.getValue("rawInput");
    String s = raw instanceof JsonObject o ? o.getValue("command") != null ? String.valueOf(o.getValue("command"))
        : o.encode() : raw == null ? "" : String.valueOf(raw);
    return s.length() <= 500 ? s : s.substring(0, 499) + "…";
  }

  private static String byKind(JsonArray options, String kind) {
    for (Object o : options) {
      if (o instanceof JsonObject opt && kind.equals(opt.getString("kind"))) return opt.getString("optionId");
    }
    return null;
  }

  private static String first(String a, String b) { return a != null ? a : b; }
}
