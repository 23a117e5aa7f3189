package dev.poco.orchestrator;

import dev.poco.contract.AccessEntry;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Settings;
import dev.poco.contract.StoreClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may drive agents: users listed in POCO_ALLOWED_USERS plus users stored by pairing. While
 * nobody is allowed, a one-time code is printed (and written owner-only to the pairing-code file);
 * the first user who sends {@code /pair <code>} becomes the owner.
 */
final class Access {
  private static final Logger log = LoggerFactory.getLogger(Access.class);
  /** A wrong guess budget: after this many, the code is replaced so it cannot be brute-forced. */
  private static final int MAX_FAILURES = 5;

  private final Vertx vertx;
  private final StoreClient store;
  private final Set<String> configured = new HashSet<>();
  private final Set<String> stored = new HashSet<>();
  private final String codeFile;
  private final SecureRandom random = new SecureRandom();
  private String pairingCode;
  private int failures;

  Access(Vertx vertx, StoreClient store, Settings settings) {
    this.vertx = vertx;
    this.store = store;
    this.codeFile = settings.str(ConfigKeys.PAIRING_CODE_FILE, null);
    for (String u : settings.list(ConfigKeys.ALLOWED_USERS)) {
      if (!u.contains(":")) throw new IllegalArgumentException(
          ConfigKeys.ALLOWED_USERS + " entries are platform:user_id, got '" + u + "'");
      configured.add(u);
    }
  }

  Future<Void> load() {
    return store.accessList().compose(list -> {
      list.forEach(e -> stored.add(e.key()));
      if (configured.isEmpty() && stored.isEmpty()) return newCode();
      return clearCodeFile();
    });
  }

  boolean allowed(String platform, String userId, boolean trusted) {
    if (trusted) return true;
    String key = platform + ":" + userId;
    return configured.contains(key) || stored.contains(key);
  }

  boolean pairingPending() { return pairingCode != null; }

  /** Answers a /pair attempt with the text to show the user. */
  Future<String> pair(String platform, String userId, String code) {
    if (allowed(platform, userId, false)) return Future.succeededFuture("You are already allowed to use this PoCo.");
    if (pairingCode == null) {
      return Future.succeededFuture("Pairing is closed: this PoCo already has an owner. Ask them to add "
          + platform + ":" + userId + " to " + ConfigKeys.ALLOWED_USERS + ".");
    }
    if (code == null || !MessageDigest.isEqual(code.trim().getBytes(StandardCharsets.UTF_8),
        pairingCode.getBytes(StandardCharsets.UTF_8))) {
      failures++;
      log.warn("wrong pairing code from {}:{} ({} of {})", platform, userId, failures, MAX_FAILURES);
      if (failures >= MAX_FAILURES) {
        return newCode().map("That pairing code is not valid. Too many attempts: a new code was printed on the server.");
      }
      return Future.succeededFuture("That pairing code is not valid.");
    }
    AccessEntry owner = new AccessEntry(platform, userId, "owner", System.currentTimeMillis());
    return store.addAccess(owner).compose(added -> {
      stored.add(owner.key());
      pairingCode = null;
      log.info("{} paired as the owner", owner.key());
      return clearCodeFile();
    }).map("Paired: you are now the owner of this PoCo.");
  }

  JsonObject health() {
    return new JsonObject().put("allowed_users", configured.size() + stored.size())
        .put("pairing_pending", pairingCode != null);
  }

  private Future<Void> newCode() {
    pairingCode = String.format("%06d", random.nextInt(1_000_000));
    failures = 0;
    // The code is meant to be read by the person starting PoCo: the log and a file only they can read.
    log.info("Nobody is allowed yet. Pairing code: {} (send /pair {} to the bot)", pairingCode, pairingCode);
    if (codeFile == null) return Future.succeededFuture();
    var fs = vertx.fileSystem();
    return fs.writeFile(codeFile, Buffer.buffer(pairingCode + "\n"))
        .compose(v -> fs.chmod(codeFile, "rw-------"))
        .recover(err -> {
          log.warn("could not write the pairing code file {}: {}", codeFile, err.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<Void> clearCodeFile() {
    if (codeFile == null) return Future.succeededFuture();
    return vertx.fileSystem().exists(codeFile)
        .compose(e -> e ? vertx.fileSystem().delete(codeFile) : Future.succeededFuture())
        .recover(err -> Future.succeededFuture());
  }
}
