package dev.poco.launcher;

import static dev.poco.launcher.HealthReport.inline;
import static dev.poco.launcher.HealthReport.text;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The nodes and runners of /health as `poco status` lines, one node or runner a line, fields two spaces apart. */
final class ClusterLines {
  private ClusterLines() {}

  /** "cluster poco (3 nodes):" and a line per node, or one line for an embedded PoCo. */
  static void nodes(JsonObject cluster, List<String> out) {
    JsonArray nodes = cluster.getJsonArray("nodes", new JsonArray());
    if ("embedded".equals(cluster.getValue("mode"))) {
      JsonObject n = nodes.size() == 1 && nodes.getValue(0) instanceof JsonObject o ? o : new JsonObject();
      List<String> parts = new ArrayList<>(List.of("  node: embedded, every role in one JVM"));
      facts(n, parts);
      out.add(String.join(", ", parts));
      return;
    }
    String name = text(cluster.getValue("name"));
    out.add("  cluster " + (name == null ? "" : name + " ") + "(" + count(nodes.size(), "node") + "):");
    nodes.forEach(n -> out.add("    - " + (n instanceof JsonObject o ? node(o) : inline(n))));
  }

  /** "5f3a1c2e 127.0.0.1:5701 (this)  store, orchestrator, demo-api  up 2m 13s  pid 4242". */
  static String node(JsonObject n) {
    StringBuilder b = new StringBuilder(shortId(text(n.getValue("node_id"))));
    String host = text(n.getValue("host"));
    if (host != null) b.append(' ').append(host).append(':').append(n.getValue("cluster_port"));
    if (Boolean.TRUE.equals(n.getValue("this"))) b.append(" (this)");
    String status = text(n.getValue("status"));
    if (status != null && !"up".equals(status)) {
      String detail = text(n.getValue("detail"));
      return b.append("  ").append(status).append(detail == null ? "" : " (" + detail + ")").toString();
    }
    List<String> parts = new ArrayList<>(List.of(b.toString()));
    if (n.getValue("roles") instanceof JsonArray roles && !roles.isEmpty()) parts.add(inline(roles));
    facts(n, parts);
    return String.join("  ", parts);
  }

  /** "r1 @ 127.0.0.1:5702  stub✓ codex 0.169.0✓  2/32 running  roots /srv  seen 0.4 s ago". */
  static String runner(JsonObject r) {
    String id = text(r.getValue("runner_id"));
    if (id == null) return inline(r);
    String address = text(r.getValue("node_address"));
    List<String> parts = new ArrayList<>(List.of(address == null ? id : id + " @ " + address));
    parts.add(backends(r.getValue("backends")));
    Object max = r.getValue("max_tasks");
    Integer running = r.getValue("running") instanceof Number n ? Integer.valueOf(n.intValue())
        : r.getValue("task_ids") instanceof JsonArray tasks ? Integer.valueOf(tasks.size()) : null;
    if (running != null && max instanceof Number) parts.add(running + "/" + max + " running");
    if (r.getValue("roots") instanceof JsonArray roots && !roots.isEmpty()) parts.add("roots " + inline(roots));
    if (r.getValue("last_seen_ms") instanceof Number seen) {
      parts.add(String.format(Locale.ROOT, "seen %.1f s ago", seen.longValue() / 1000.0));
    }
    return String.join("  ", parts);
  }

  /**
   * "stub✓ codex 0.169.0✓ (+6 not ready)": the ready backends with the version number each printed, then how
   * many are not: a runner knows every backend PoCo has, and most machines have one or two installed.
   */
  private static String backends(Object value) {
    List<String> ready = new ArrayList<>();
    int notReady = 0;
    if (value instanceof JsonArray bs) {
      for (Object b : bs) {
        if (!(b instanceof JsonObject o)) continue;
        if (!Boolean.TRUE.equals(o.getValue("ready"))) {
          notReady++;
          continue;
        }
        String version = versionNumber(text(o.getValue("version")));
        ready.add(o.getString("name", "?") + (version == null ? "" : " " + version) + "✓");
      }
    }
    String out = ready.isEmpty() ? "no backend ready" : String.join(" ", ready);
    return notReady == 0 ? out : out + " (+" + notReady + " not ready)";
  }

  /** "codex-cli 0.169.0" → "0.169.0"; "builtin" → null: the last word that starts with a digit. */
  static String versionNumber(String version) {
    if (version == null) return null;
    String found = null;
    for (String word : version.trim().split("\\s+")) {
      if (!word.isEmpty() && Character.isDigit(word.charAt(0))) found = word;
    }
    return found;
  }

  private static void facts(JsonObject n, List<String> parts) {
    if (n.getValue("uptime_ms") instanceof Number up) parts.add("up " + duration(up.longValue()));
    if (n.getValue("pid") instanceof Number pid && pid.longValue() > 0) parts.add("pid " + pid);
  }

  static String duration(long ms) {
    long s = ms / 1000;
    if (s < 60) return s + "s";
    if (s < 3600) return s / 60 + "m " + s % 60 + "s";
    if (s < 86400) return s / 3600 + "h " + s % 3600 / 60 + "m";
    return s / 86400 + "d " + s % 86400 / 3600 + "h";
  }

  /** Node ids are UUIDs (ClusterNode names each JGroups channel so): the first 8 characters tell them apart. */
  private static String shortId(String id) {
    if (id == null) return "?";
    return id.length() > 12 ? id.substring(0, 8) : id;
  }

  private static String count(int n, String what) { return n + " " + what + (n == 1 ? "" : "s"); }
}
