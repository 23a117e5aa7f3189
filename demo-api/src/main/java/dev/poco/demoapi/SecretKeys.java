package dev.poco.demoapi;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Defence in depth for what a gateway sends the edge to show (/debug/feishu, /debug/slack, /health): drops, at any
 * depth, every key whose name looks secret, whatever its value, so a gateway that forgot to redact leaks nothing.
 * A boolean under such a name stays ("token_set": true says only whether a secret is there). The Redactor, which
 * masks configured secret values wherever they appear, runs after this on every answer.
 */
final class SecretKeys {
  // Compared with '_', '-' and case removed: app_secret, appSecret, Encrypt-Key, X-Slack-Signature...
  private static final List<String> WORDS =
      List.of("secret", "token", "password", "passwd", "encryptkey", "signing", "signature", "authorization",
          "cookie", "apikey");

  private SecretKeys() {}

  static boolean looksSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    for (String w : WORDS) if (k.contains(w)) return true;
    return false;
  }

  /** Removes secret-looking keys from {@code json} and everything it holds, in place, and returns it. */
  static JsonObject strip(JsonObject json) {
    for (String key : new ArrayList<>(json.fieldNames())) {
      Object v = json.getValue(key);
      if (looksSecret(key) && !(v instanceof Boolean)) json.remove(key);
      else walk(v);
    }
    return json;
  }

  private static void walk(Object v) {
    if (v instanceof JsonObject o) strip(o);
    else if (v instanceof JsonArray a) for (Object item : a) walk(item);
  }
}
