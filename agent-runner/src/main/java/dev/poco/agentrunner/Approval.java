package dev.poco.agentrunner;

import dev.poco.contract.Jsons;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * An agent's request for permission, as the card shows it.
 *
 * @param kind command, file_change, permission, ...
 * @param options the answers the agent understands, a subset of {@link ApprovalDecision} wire names
 */
public record Approval(String kind, String title, String detail, List<String> options) {
  public static final List<String> ALL_OPTIONS = List.of(ApprovalDecision.APPROVE.wire(),
      ApprovalDecision.APPROVE_SESSION.wire(), ApprovalDecision.REJECT.wire());

  public Approval {
    options = options == null || options.isEmpty() ? ALL_OPTIONS : List.copyOf(options);
  }

  public Approval(String kind, String title, String detail) { this(kind, title, detail, ALL_OPTIONS); }

  public JsonObject toJson() {
    return new JsonObject().put("kind", kind).put("title", title).put("detail", detail)
        .put("options", Jsons.array(options, s -> s));
  }
}
