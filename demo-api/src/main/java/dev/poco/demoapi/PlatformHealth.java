package dev.poco.demoapi;

import static dev.poco.contract.ConfigKeys.FEISHU_APP_ID;
import static dev.poco.contract.ConfigKeys.FEISHU_APP_SECRET;
import static dev.poco.contract.ConfigKeys.FEISHU_DELIVERY_MODE;
import static dev.poco.contract.ConfigKeys.FEISHU_ENCRYPT_KEY;
import static dev.poco.contract.ConfigKeys.FEISHU_VERIFICATION_TOKEN;
import static dev.poco.contract.ConfigKeys.SLACK_APP_TOKEN;
import static dev.poco.contract.ConfigKeys.SLACK_BOT_TOKEN;
import static dev.poco.contract.ConfigKeys.SLACK_DELIVERY_MODE;
import static dev.poco.contract.ConfigKeys.SLACK_SIGNING_SECRET;

import dev.poco.contract.Platforms;
import dev.poco.runtime.Settings;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** What /health says about Feishu, Slack and the edge itself, from config alone (presence, never values). */
final class PlatformHealth {

  private final Settings settings;
  private final EdgeConfig edge;

  PlatformHealth(Settings settings, EdgeConfig edge) {
    this.settings = settings;
    this.edge = edge;
  }

  String feishuMode() { return settings.str(FEISHU_DELIVERY_MODE, "longconn"); }

  String slackMode() { return settings.str(SLACK_DELIVERY_MODE, "socket"); }

  boolean feishuConfigured() { return feishuUnset().isEmpty(); }

  boolean slackConfigured() { return slackUnset().isEmpty(); }

  /** "local" when no platform is configured, else the configured ones joined by "+". */
  String mode() {
    if (feishuConfigured() && slackConfigured()) return "feishu+slack";
    if (feishuConfigured()) return "feishu";
    if (slackConfigured()) return "slack";
    return "local";
  }

  JsonObject feishu() {
    return new JsonObject().put("configured", feishuConfigured()).put("delivery_mode", feishuMode())
        .put("listener_ready", false)
        .put("verification_token_enabled", settings.has(FEISHU_VERIFICATION_TOKEN))
        .put("signature_validation_enabled", settings.has(FEISHU_ENCRYPT_KEY));
  }

  JsonObject slack() {
    return new JsonObject().put("configured", slackConfigured()).put("delivery_mode", slackMode())
        .put("listener_ready", false)
        .put("signature_validation_enabled", settings.has(SLACK_SIGNING_SECRET));
  }

  /** The platforms whose credentials are present: each needs its gateway running. */
  List<String> configured() {
    List<String> out = new ArrayList<>();
    if (feishuConfigured()) out.add(Platforms.FEISHU);
    if (slackConfigured()) out.add(Platforms.SLACK);
    return out;
  }

  /** Why {@code platform}, configured, has no usable gateway, from its gateway's health request. */
  static String gatewayProblem(String platform, Throwable err) {
    HttpError e = HttpErrors.fromBus(err, "gateway-" + platform);
    return switch (e.status()) {
      case 503 -> platform + " configured but no gateway-" + platform + " is running";
      case 504 -> platform + " configured but gateway-" + platform + " did not answer its health check";
      default -> platform + " configured but gateway-" + platform + " failed its health check: " + e.getMessage();
    };
  }

  /** The platforms that are off, and the keys that would turn them on. */
  List<String> missing() {
    List<String> out = new ArrayList<>();
    if (!feishuConfigured()) out.add("Feishu is off: set " + joined(feishuUnset()));
    if (!slackConfigured()) out.add("Slack is off: set " + joined(slackUnset()));
    return out;
  }

  List<String> warnings() {
    List<String> out = new ArrayList<>();
    if (!List.of("longconn", "webhook").contains(feishuMode())) {
      out.add(FEISHU_DELIVERY_MODE + " is '" + feishuMode() + "', expected longconn or webhook");
    }
    if (!List.of("socket", "webhook").contains(slackMode())) {
      out.add(SLACK_DELIVERY_MODE + " is '" + slackMode() + "', expected socket or webhook");
    }
    if (feishuConfigured() && feishuMode().equals("webhook")) {
      if (!settings.has(FEISHU_VERIFICATION_TOKEN)) {
        out.add(FEISHU_VERIFICATION_TOKEN + " is not set: Feishu webhook callbacks are accepted without a token check");
      }
      if (!settings.has(FEISHU_ENCRYPT_KEY)) {
        out.add(FEISHU_ENCRYPT_KEY + " is not set: Feishu webhook signatures are not validated");
      }
    }
    if (!edge.loopback()) {
      out.add("the HTTP edge binds " + edge.host() + ", not loopback: /demo, /tasks and /debug are reachable from the "
          + "network " + (edge.token() == null ? "and answer 401 until POCO_HTTP_TOKEN is set" : "with the bearer token"));
    }
    return out;
  }

  /** The keys still unset that {@code platform} needs to be configured. */
  List<String> unset(String platform) {
    return platform.equals(Platforms.FEISHU) ? feishuUnset() : slackUnset();
  }

  private List<String> feishuUnset() { return unset(List.of(FEISHU_APP_ID, FEISHU_APP_SECRET)); }

  private List<String> slackUnset() {
    // as the gateway's SlackConfig.configured(): the socket needs the app token, HTTP intake the signing secret
    return unset(List.of(SLACK_BOT_TOKEN, slackMode().equalsIgnoreCase("webhook") ? SLACK_SIGNING_SECRET : SLACK_APP_TOKEN));
  }

  /** "A", "A and B", "A, B and C". */
  private static String joined(List<String> keys) {
    if (keys.size() == 1) return keys.get(0);
    return String.join(", ", keys.subList(0, keys.size() - 1)) + " and " + keys.get(keys.size() - 1);
  }

  private List<String> unset(List<String> keys) {
    return keys.stream().filter(k -> !settings.has(k)).toList();
  }
}
