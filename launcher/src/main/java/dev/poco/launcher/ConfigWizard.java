package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code poco config}: asks for the chat credentials and merges them into $POCO_HOME/poco.config.json. */
final class ConfigWizard {
  record Field(String key, String label, boolean secret) {}

  static final List<Field> FEISHU = List.of(
      new Field(ConfigKeys.FEISHU_APP_ID, "Feishu App ID", false),
      new Field(ConfigKeys.FEISHU_APP_SECRET, "Feishu App Secret", true),
      new Field(ConfigKeys.FEISHU_DELIVERY_MODE, "Feishu delivery: longconn (no public URL) or webhook", false));
  /** Asked only when Feishu delivers by webhook: what verifies its pushes. */
  static final List<Field> FEISHU_WEBHOOK = List.of(
      new Field(ConfigKeys.FEISHU_VERIFICATION_TOKEN, "Feishu verification token", true),
      new Field(ConfigKeys.FEISHU_ENCRYPT_KEY, "Feishu encrypt key (optional: signed, encrypted pushes)", true));
  static final List<Field> SLACK = List.of(
      new Field(ConfigKeys.SLACK_BOT_TOKEN, "Slack bot token (xoxb-...)", true),
      new Field(ConfigKeys.SLACK_DELIVERY_MODE, "Slack delivery: socket (no public URL) or webhook", false));
  /** Asked only in Socket Mode (the default): what opens the socket. */
  static final List<Field> SLACK_SOCKET = List.of(
      new Field(ConfigKeys.SLACK_APP_TOKEN, "Slack app-level token (xapp-..., scope connections:write)", true));
  /** Asked only when Slack delivers by HTTP: what verifies its requests. */
  static final List<Field> SLACK_WEBHOOK = List.of(
      new Field(ConfigKeys.SLACK_SIGNING_SECRET, "Slack signing secret", true));
  static final String CLEAR = "-";
  /** The values a delivery mode may take (the first is the default). */
  static final Map<String, List<String>> MODES = Map.of(ConfigKeys.FEISHU_DELIVERY_MODE, List.of("longconn", "webhook"),
      ConfigKeys.SLACK_DELIVERY_MODE, List.of("socket", "webhook"));

  private final Cli cli;
  private final Prompter prompter;

  ConfigWizard(Cli cli, Prompter prompter) {
    this.cli = cli;
    this.prompter = prompter;
  }

  int run() throws IOException {
    PrintStream out = cli.out();
    PocoHome home = cli.home();
    Path file = home.configFile();
    JsonObject doc = PocoConfig.readFile(file);
    Settings current = new Settings(PocoConfig.merge(Map.of(), doc, home));
    out.println("PoCo configuration: " + file);
    out.println("Enter keeps the current value; '" + CLEAR + "' clears it.");
    FEISHU.forEach(f -> ask(f, doc, current));
    String feishuMode = doc.getString(ConfigKeys.FEISHU_DELIVERY_MODE, current.str(ConfigKeys.FEISHU_DELIVERY_MODE, ""));
    if ("webhook".equalsIgnoreCase(feishuMode.trim())) FEISHU_WEBHOOK.forEach(f -> ask(f, doc, current));
    out.println("Slack (optional, Enter skips):");
    SLACK.forEach(f -> ask(f, doc, current));
    String slackMode = doc.getString(ConfigKeys.SLACK_DELIVERY_MODE, current.str(ConfigKeys.SLACK_DELIVERY_MODE, ""));
    boolean slackWebhook = "webhook".equalsIgnoreCase(slackMode.trim());
    (slackWebhook ? SLACK_WEBHOOK : SLACK_SOCKET).forEach(f -> ask(f, doc, current));
    if (!current.has(ConfigKeys.HTTP_TOKEN) && !cli.env().containsKey(ConfigKeys.HTTP_TOKEN)) {
      doc.put(ConfigKeys.HTTP_TOKEN, newToken());
      out.println("Generated " + ConfigKeys.HTTP_TOKEN + ", the HTTP edge's bearer token off loopback (in the file).");
    }
    OwnerOnly.write(file, doc.encodePrettily() + "\n");
    out.println("Saved " + file + " (readable by you only).");
    for (Field f : allFields()) {
      if (cli.env().containsKey(f.key())) {
        out.println("Note: " + f.key() + " is set in the environment and overrides the file.");
      }
    }
    return 0;
  }

  private void ask(Field f, JsonObject doc, Settings current) {
    String value = current.str(f.key(), null);
    String shown = value == null ? "not set" : f.secret() ? "set" : value;
    String prompt = f.label() + " [" + shown + "]: ";
    String answer = f.secret() ? prompter.secret(prompt) : prompter.line(prompt);
    if (answer == null || answer.isBlank()) return;
    List<String> modes = MODES.get(f.key());
    if (modes != null && !answer.trim().equals(CLEAR) && !modes.contains(answer.trim().toLowerCase(Locale.ROOT))) {
      cli.out().println("  '" + answer.trim() + "' is not one of " + modes + "; kept " + shown + ".");
      return;
    }
    if (modes != null && !answer.trim().equals(CLEAR)) answer = answer.trim().toLowerCase(Locale.ROOT);
    removeSectioned(doc, f.key());
    if (answer.trim().equals(CLEAR)) doc.remove(f.key());
    else doc.put(f.key(), answer.trim());
  }

  /** 32 random bytes, base64url without padding: 43 characters that go into a header as they are. */
  static String newToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Drops {"feishu": {"app_secret": ...}} when the flat key replaces it, so no stale secret stays behind. */
  static void removeSectioned(JsonObject doc, String flatKey) {
    for (String section : List.copyOf(doc.fieldNames())) {
      if (!(doc.getValue(section) instanceof JsonObject values)) continue;
      String prefix = PocoConfig.PREFIX + section.toUpperCase(Locale.ROOT) + "_";
      for (String k : List.copyOf(values.fieldNames())) {
        if (!(prefix + k.toUpperCase(Locale.ROOT)).equals(flatKey)) continue;
        values.remove(k);
        if (values.isEmpty()) doc.remove(section);
      }
    }
  }

  private static List<Field> allFields() {
    return java.util.stream.Stream.of(FEISHU, FEISHU_WEBHOOK, SLACK, SLACK_SOCKET, SLACK_WEBHOOK).flatMap(List::stream).toList();
  }
}
