package dev.poco.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * /health as readable lines: the fields a user looks for first (mode, agent, runners, state, missing, warnings),
 * then every other field generically, so new fields show up without a CLI change.
 */
final class HealthReport {
  private static final Set<String> SHOWN_ELSEWHERE = Set.of("status", "mode", "agent", "agent_backend", "agent_ready",
      "agent_detail", "runners", "cluster", "state", "state_backend", "missing", "warnings", "feishu_listener_ready");

  private HealthReport() {}

  /** One line: status, mode, agent backend and readiness, runners, state backend, what is missing. */
  static String summary(HealthClient.Answer answer) {
    JsonObject h = answer.body();
    if (h == null) return "Health: HTTP " + answer.status() + " (no JSON body)";
    List<String> parts = new ArrayList<>();
    String status = text(h.getValue("status"));
    parts.add(status != null ? status : "HTTP " + answer.status());
    add(parts, "mode ", text(h.getValue("mode")));
    add(parts, "agent ", agent(h));
    Object runners = h.getValue("runners");
    if (runners instanceof JsonArray a) parts.add(a.size() + (a.size() == 1 ? " runner" : " runners"));
    if (h.getValue("cluster") instanceof JsonObject c && "cluster".equals(c.getValue("mode"))) {
      JsonArray nodes = c.getJsonArray("nodes", new JsonArray());
      parts.add(nodes.size() + (nodes.size() == 1 ? " node" : " nodes"));
      long down = nodes.stream().filter(n -> n instanceof JsonObject o && "unreachable".equals(o.getValue("status")))
          .count();
      if (down > 0) parts.add(down + " unreachable");
    }
    add(parts, "state ", stateBackend(h));
    if (h.getValue("missing") instanceof JsonArray m && !m.isEmpty()) parts.add(m.size() + " missing");
    if (h.getValue("warnings") instanceof JsonArray w && !w.isEmpty()) {
      parts.add(w.size() + (w.size() == 1 ? " warning" : " warnings"));
    }
    return SecretMasking.mask("Health: " + String.join(", ", parts));
  }

  static List<String> lines(HealthClient.Answer answer) {
    List<String> out = new ArrayList<>();
    JsonObject h = answer.body();
    if (h == null) {
      out.add("  HTTP " + answer.status() + " without a JSON body");
      return out;
    }
    if (h.containsKey("mode")) out.add("  mode: " + inline(h.getValue("mode")));
    String agent = agent(h);
    if (agent != null) {
      String detail = h.getValue("agent") instanceof JsonObject a
          ? text(a.getValue("detail")) : text(h.getValue("agent_detail"));
      out.add("  agent: " + agent + (detail == null ? "" : ": " + detail));
    }
    if (h.getValue("cluster") instanceof JsonObject cluster) ClusterLines.nodes(cluster, out);
    if (h.getValue("runners") instanceof JsonArray runners) {
      if (runners.isEmpty()) out.add("  runners: none");
      else {
        out.add("  runners:");
        runners.forEach(r -> out.add("    - " + (r instanceof JsonObject o ? ClusterLines.runner(o) : inline(r))));
      }
    }
    String state = stateBackend(h);
    if (state != null) {
      String path = h.getValue("state") instanceof JsonObject s ? text(s.getValue("path")) : null;
      out.add("  state: " + state + (path == null ? "" : " at " + path));
    }
    bullets(out, "missing", h.getValue("missing"));
    bullets(out, "warnings", h.getValue("warnings"));
    for (Map.Entry<String, Object> e : h) {
      if (!SHOWN_ELSEWHERE.contains(e.getKey())) out.add("  " + label(e.getKey()) + ": " + inline(e.getValue()));
    }
    return out.stream().map(SecretMasking::mask).toList();
  }

  private static void bullets(List<String> out, String label, Object value) {
    if (!(value instanceof JsonArray list)) {
      if (value != null) out.add("  " + label + ": " + inline(value));
      return;
    }
    if (list.isEmpty()) out.add("  " + label + ": none");
    else {
      out.add("  " + label + ":");
      list.forEach(item -> out.add("    - " + inline(item)));
    }
  }

  private static String agent(JsonObject h) {
    String backend;
    Object ready;
    if (h.getValue("agent") instanceof JsonObject a) {
      backend = text(a.getValue("backend"));
      ready = a.getValue("ready");
    } else {
      backend = text(h.getValue("agent_backend"));
      ready = h.getValue("agent_ready");
    }
    if (backend == null) return null;
    return ready instanceof Boolean r ? backend + (r ? " (ready)" : " (not ready)") : backend;
  }

  private static String stateBackend(JsonObject h) {
    return h.getValue("state") instanceof JsonObject s ? text(s.getValue("backend")) : text(h.getValue("state_backend"));
  }

  private static void add(List<String> parts, String prefix, String value) {
    if (value != null) parts.add(prefix + value);
  }

  private static String label(String key) { return key.replace('_', ' '); }

  static String text(Object v) {
    return v == null || v instanceof JsonObject || v instanceof JsonArray ? null : v.toString();
  }

  static String inline(Object v) {
    if (v == null) return "-";
    if (v instanceof JsonObject o) {
      return o.stream().map(e -> label(e.getKey()) + "=" + nested(e.getValue())).collect(Collectors.joining(", "));
    }
    if (v instanceof JsonArray a) {
      return a.isEmpty() ? "none" : a.stream().map(HealthReport::nested).collect(Collectors.joining(", "));
    }
    return v.toString();
  }

  private static String nested(Object v) {
    boolean compound = v instanceof JsonObject || v instanceof JsonArray a && !a.isEmpty();
    return compound ? "(" + inline(v) + ")" : inline(v);
  }
}
