package dev.poco.orchestrator;

import dev.poco.contract.AccessEntry;
import dev.poco.contract.Addresses;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Failures;
import dev.poco.contract.Reply;
import dev.poco.contract.View;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may drive agents: users listed in POCO_ALLOWED_USERS plus users stored by pairing. While
 * nobody is allowed, a one-time code is printed (and written owner-only to the pairing-code file);
 * the first user who sends {@code /pair <code>} becomes the owner. {@link PairingGate} limits the guesses.
 */
final class Access {
  private static final Logger log = LoggerFactory.getLogger(Access.class);
  static final long DEFAULT_TTL_SECONDS = 3600;
  /** Wrong codes are logged as one summary line per this period at most, never the code guessed. */
  static final long MISS_LOG_MS = 60_000;

  private final Vertx vertx;
  private final StoreClient store;
  private Set<String> configured;
  private final Set<String> stored = new HashSet<>();
  private final Set<String> owners = new HashSet<>();
  private final String codeFile;
  private final SecureRandom random = new SecureRandom();
  private final PairingGate gate;
  /** Set on the event loop before the owner's store write: a second correct code meanwhile makes no second owner. */
  private boolean ownerPending;
  private long expiryTimer = -1;
  private int missesUnlogged;
  private int lockoutsUnlogged;
  private final Set<String> missUsersUnlogged = new HashSet<>();
  private boolean missLogPending;

  Access(Vertx vertx, StoreClient store, Settings settings) {
    this.vertx = vertx;
    this.store = store;
    this.codeFile = settings.str(ConfigKeys.PAIRING_CODE_FILE, null);
    long ttl = settings.integer(ConfigKeys.PAIRING_CODE_TTL, (int) DEFAULT_TTL_SECONDS);
    if (ttl < 1) throw new IllegalArgumentException(ConfigKeys.PAIRING_CODE_TTL + " must be at least 1, got " + ttl);
    this.gate = new PairingGate(System::currentTimeMillis, ttl * 1000);
    this.configured = parseAllowed(settings.str(ConfigKeys.ALLOWED_USERS, null));
  }

  /** POCO_ALLOWED_USERS as a set of platform:user_id; an entry of another shape is an error naming it. */
  static Set<String> parseAllowed(String value) {
    Set<String> out = new HashSet<>();
    for (String u : new Settings(new JsonObject().put(ConfigKeys.ALLOWED_USERS, value)).list(ConfigKeys.ALLOWED_USERS)) {
      int colon = u.indexOf(':');
      if (colon <= 0 || colon == u.length() - 1) {
        throw new IllegalArgumentException(ConfigKeys.ALLOWED_USERS + " entries are platform:user_id, got '" + u + "'");
      }
      out.add(u);
    }
    return out;
  }

  Future<Void> load() {
    vertx.eventBus().<JsonObject>localConsumer(Addresses.CONFIG_CHANGED, msg -> configChanged(msg.body()));
    return store.accessList().compose(list -> {
      list.forEach(this::remember);
      return pairingIfNobody();
    });
  }

  /** The launcher saw the config file change: take its allow-list, or keep ours when it is malformed. */
  void configChanged(JsonObject config) {
    Object raw = config == null ? null : config.getValue(ConfigKeys.ALLOWED_USERS);
    Set<String> next;
    try {
      next = parseAllowed(raw == null ? null : raw.toString());
    } catch (IllegalArgumentException e) {
      log.warn("The changed configuration's allow-list was not applied, the old one stays: {}", e.getMessage());
      return;
    }
    if (next.equals(configured)) return;
    configured = next;
    log.info("The allow-list changed: {} configured users (and {} paired)", next.size(), stored.size());
    pairingIfNobody();
  }

  boolean allowed(String platform, String userId, boolean trusted) {
    if (trusted) return true;
    String key = platform + ":" + userId;
    return configured.contains(key) || stored.contains(key);
  }

  /**
   * May reach every project from a DM: the local trusted user, a configured user (the config is the
   * owner's) or the paired owner. Other allowed users reach the projects they created.
   */
  boolean manager(String platform, String userId, boolean trusted) {
    if (trusted) return true;
    String key = platform + ":" + userId;
    return configured.contains(key) || owners.contains(key);
  }

  boolean pairingPending() { return gate.isOpen(); }

  /** Answers a /pair attempt: the owner made, or a refusal saying why not. */
  Future<Reply> pair(String platform, String userId, String code) {
    String who = platform + ":" + userId;
    if (allowed(platform, userId, false)) return done("You are already allowed to use this PoCo.");
    if (ownerPending) {
      return refuse(Failures.CONFLICT, "Someone is pairing as the owner right now. Try again in a moment.");
    }
    PairingGate.Verdict v = gate.attempt(who, code);
    switch (v.outcome()) {
      case CLOSED:
        return refuse(Failures.FORBIDDEN, "Pairing is closed: this PoCo already has an owner. Ask them to add "
            + who + " to " + ConfigKeys.ALLOWED_USERS + ".");
      case USER_LOCKED:
        return refuse(Failures.TOO_MANY_REQUESTS, "Too many wrong pairing codes from you. Try again in "
            + seconds(v.retryAfterMs()) + ".");
      case GLOBAL_LOCKED:
        return refuse(Failures.TOO_MANY_REQUESTS, "Too many wrong pairing codes were sent to this PoCo. Try again in "
            + seconds(v.retryAfterMs()) + ".");
      case EXPIRED:
        return newCode().map(x -> refusal(Failures.FORBIDDEN,
            "That pairing code has expired. A new one was printed on the server."));
      case MISS:
        missed(who, v.lockedNow());
        return refuse(v.lockedNow() ? Failures.TOO_MANY_REQUESTS : Failures.FORBIDDEN,
            "That pairing code is not valid." + (v.lockedNow()
                ? " Too many wrong codes: try again in " + seconds(v.retryAfterMs()) + "." : ""));
      default:
        break;
    }
    ownerPending = true;
    AccessEntry owner = new AccessEntry(platform, userId, "owner", System.currentTimeMillis());
    return store.addAccess(owner).compose(added -> {
      remember(owner);
      gate.close();
      cancelExpiry();
      log.info("{} paired as the owner", owner.key());
      return clearCodeFile();
    }).eventually(() -> {
      ownerPending = false;
      return Future.succeededFuture();
    }).map(x -> Reply.of(View.notice("Pairing", "Paired: you are now the owner of this PoCo.")));
  }

  JsonObject health() {
    return new JsonObject().put("allowed_users", configured.size() + stored.size()).put("owners", owners.size())
        .put("pairing_pending", gate.isOpen());
  }

  private void remember(AccessEntry e) {
    stored.add(e.key());
    if ("owner".equals(e.role())) owners.add(e.key());
  }

  /** Opens pairing when nobody may use PoCo, closes it when someone may. */
  private Future<Void> pairingIfNobody() {
    boolean nobody = configured.isEmpty() && stored.isEmpty();
    if (nobody && !gate.isOpen()) return newCode();
    if (!nobody && gate.isOpen() && !ownerPending) {
      gate.close();
      cancelExpiry();
      log.info("Pairing closed: users are allowed now");
      return clearCodeFile();
    }
    if (!nobody) return clearCodeFile();
    return Future.succeededFuture();
  }

  private Future<Void> newCode() {
    String code = PairingGate.newCode(random);
    gate.open(code);
    cancelExpiry();
    expiryTimer = vertx.setTimer(Math.max(1, gate.expiresAt() - System.currentTimeMillis()), id -> {
      expiryTimer = -1;
      if (gate.isOpen() && !ownerPending) newCode();
    });
    // The code is meant to be read by the person starting PoCo: the log and a file only they can read.
    log.info("Nobody is allowed yet. Pairing code: {} (send /pair {} to the bot; valid for {})", code, code,
        seconds(gate.expiresAt() - System.currentTimeMillis()));
    if (codeFile == null) return Future.succeededFuture();
    var fs = vertx.fileSystem();
    // Created owner-only before the code goes in: never readable by others, not even for a moment.
    return fs.exists(codeFile)
        .compose(e -> e ? Future.succeededFuture() : fs.createFile(codeFile, "rw-------"))
        .compose(v -> fs.chmod(codeFile, "rw-------"))
        .compose(v -> fs.writeFile(codeFile, Buffer.buffer(code + "\n")))
        .recover(err -> {
          log.warn("could not write the pairing code file {}: {}", codeFile, err.getMessage());
          return Future.succeededFuture();
        });
  }

  private void cancelExpiry() {
    if (expiryTimer >= 0) vertx.cancelTimer(expiryTimer);
    expiryTimer = -1;
  }

  /** Counts a wrong code; the first is logged at once, the rest in one summary line a minute later. */
  private void missed(String who, boolean lockedNow) {
    missesUnlogged++;
    if (lockedNow) lockoutsUnlogged++;
    if (missUsersUnlogged.size() < 1000) missUsersUnlogged.add(who);
    if (missLogPending) return;
    missLogPending = true;
    log.warn("wrong pairing code from {} (further wrong codes are summarised once a minute)", who);
    missesUnlogged = 0;
    lockoutsUnlogged = 0;
    missUsersUnlogged.clear();
    vertx.setTimer(MISS_LOG_MS, id -> {
      missLogPending = false;
      if (missesUnlogged == 0) return;
      log.warn("{} more wrong pairing codes in the last minute from {} users ({} locked out); first users: {}",
          missesUnlogged, missUsersUnlogged.size(), lockoutsUnlogged,
          List.copyOf(missUsersUnlogged).subList(0, Math.min(5, missUsersUnlogged.size())));
      missesUnlogged = 0;
      lockoutsUnlogged = 0;
      missUsersUnlogged.clear();
    });
  }

  private static String seconds(long ms) {
    long s = Math.max(1, (ms + 999) / 1000);
    if (s < 120) return s + " s";
    if (s < 7200) return (s + 59) / 60 + " min";
    return (s + 3599) / 3600 + " h";
  }

  private Future<Void> clearCodeFile() {
    if (codeFile == null) return Future.succeededFuture();
    return vertx.fileSystem().exists(codeFile)
        .compose(e -> e ? vertx.fileSystem().delete(codeFile) : Future.succeededFuture())
        .recover(err -> Future.succeededFuture());
  }

  private static Future<Reply> done(String text) { return Future.succeededFuture(Reply.of(View.notice("Pairing", text))); }

  private static Reply refusal(int code, String text) {
    return Reply.refusal(code, View.notice("Pairing", text), null);
  }

  private static Future<Reply> refuse(int code, String text) { return Future.succeededFuture(refusal(code, text)); }
}
