package dev.poco.contract;

import java.util.List;

/**
 * Configuration keys. The launcher merges them (POCO_* env > flat keys in poco.config.json >
 * sectioned keys) into one flat JSON object and gives it to every verticle as its config.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** Where PoCo keeps its files (config, db, pid, log); default ~/.poco. */
  public static final String HOME = "POCO_HOME";
  public static final String HTTP_HOST = "POCO_HTTP_HOST";
  public static final String HTTP_PORT = "POCO_HTTP_PORT";
  /** Largest request body the HTTP edge accepts, in bytes (default 1 MiB). */
  public static final String HTTP_MAX_BODY = "POCO_HTTP_MAX_BODY_BYTES";
  /**
   * Bearer token the HTTP edge asks for when it listens beyond loopback or POCO_DEMO_TRUST_LOCAL is false
   * (`poco config` writes a random one). A secret.
   */
  public static final String HTTP_TOKEN = "POCO_HTTP_TOKEN";
  /** The demo user a request with the right POCO_HTTP_TOKEN speaks for (default "owner": access key demo:owner). */
  public static final String HTTP_TOKEN_USER = "POCO_HTTP_TOKEN_USER";
  /** Comma list of extra host names (host or host:port) the HTTP edge answers to, e.g. the reverse proxy's name. */
  public static final String HTTP_PUBLIC_HOST = "POCO_HTTP_PUBLIC_HOST";
  /** sqlite (default) or memory. */
  public static final String STATE_BACKEND = "POCO_STATE_BACKEND";
  public static final String STATE_DB_PATH = "POCO_STATE_DB_PATH";
  /** Comma list of folders working dirs must resolve under; default the user's home. */
  public static final String WORKDIR_ROOTS = "POCO_WORKDIR_ROOTS";
  /** Comma list of platform:user_id allowed to drive agents. */
  public static final String ALLOWED_USERS = "POCO_ALLOWED_USERS";
  /** File the one-time pairing code is written to (owner-only), so `poco start` can show it. */
  public static final String PAIRING_CODE_FILE = "POCO_PAIRING_CODE_FILE";
  /** How long a pairing code stays valid before a new one replaces it, in seconds (default 3600). */
  public static final String PAIRING_CODE_TTL = "POCO_PAIRING_CODE_TTL_SECONDS";
  /** false makes the demo surface an ordinary, access-checked user even on loopback (default true). */
  public static final String DEMO_TRUST_LOCAL = "POCO_DEMO_TRUST_LOCAL";
  /** Backend of new projects and demo chats: codex (default), claude_code, cursor_agent, coco, capo, stub. */
  public static final String AGENT_BACKEND = "POCO_AGENT_BACKEND";
  /** How often a running PoCo re-reads poco.config.json, in ms (default 2000; 0: never); changes go to CONFIG_CHANGED. */
  public static final String CONFIG_SCAN_MS = "POCO_CONFIG_SCAN_MS";
  /** The claude_code backend's Anthropic API key (given to the agent as ANTHROPIC_API_KEY). */
  public static final String CLAUDE_API_KEY = "POCO_CLAUDE_API_KEY";
  /** How long the orchestrator retries a store call while the store is away, in ms (default 30000). */
  public static final String STORE_RETRY_MS = "POCO_STORE_RETRY_MS";
  /** Least time between two renders of one card that need not be shown (live output); must-show ones go at once. */
  public static final String RENDER_INTERVAL_MS = "POCO_RENDER_INTERVAL_MS";
  /** How long the orchestrator waits for a gateway to create a project's chat before asking once more (Bus.CHAT_TIMEOUT_MS). */
  public static final String CHAT_TIMEOUT_MS = "POCO_CHAT_TIMEOUT_MS";
  /** Event-loop threads of a PoCo JVM (default 1: nothing blocks a loop, fewer hand-offs). */
  public static final String EVENT_LOOPS = "POCO_EVENT_LOOPS";
  /** This runner's name on the bus; default "local" embedded, the host name in cluster mode. */
  public static final String RUNNER_ID = "POCO_RUNNER_ID";
  public static final String RUNNER_MAX_TASKS = "POCO_RUNNER_MAX_TASKS";
  /** How long the stub sleeps on a SLOW prompt (default 30). */
  public static final String STUB_SLOW_SECONDS = "POCO_STUB_SLOW_SECONDS";
  /** Pause between the stub's deltas in ms (default 0: instant). */
  public static final String STUB_DELTA_MS = "POCO_STUB_DELTA_MS";

  /** Cluster mode: the address this node binds and advertises (JGroups and event bus); default 127.0.0.1. */
  public static final String CLUSTER_HOST = "POCO_CLUSTER_HOST";
  /** Cluster mode: the JGroups (membership) port. Unset: 7800 and up to the next free one; set: exactly this port. */
  public static final String CLUSTER_PORT = "POCO_CLUSTER_PORT";
  /** Cluster mode: comma list of seed members (host:port, or host: this node's cluster port); none on a first node. */
  public static final String CLUSTER_MEMBERS = "POCO_CLUSTER_MEMBERS";
  /** Cluster mode: the cluster name; nodes join only a cluster of the same name (default poco). */
  public static final String CLUSTER_NAME = "POCO_CLUSTER_NAME";
  /** Cluster mode: how long a node tries to reach the listed members before giving up (default 5). */
  public static final String CLUSTER_JOIN_SECONDS = "POCO_CLUSTER_JOIN_SECONDS";
  /** Cluster mode: a member silent this long is dropped from the cluster (default 5; more on a crowded host). */
  public static final String CLUSTER_HEARTBEAT_SECONDS = "POCO_CLUSTER_HEARTBEAT_SECONDS";
  /**
   * Cluster mode: the event-bus port, where nodes send each other messages (default 0: any free port,
   * advertised through the cluster manager). Fix it when a firewall sits between machines.
   */
  public static final String CLUSTER_BUS_PORT = "POCO_CLUSTER_BUS_PORT";
  /**
   * Cluster mode: {@code 1} lets a node without credentials ($POCO_HOME/cluster/node.pem) cluster in plain mode on
   * a non-loopback POCO_CLUSTER_HOST (default: refused; loopback is always allowed).
   */
  public static final String CLUSTER_INSECURE = "POCO_CLUSTER_INSECURE";

  public static final String FEISHU_APP_ID = "POCO_FEISHU_APP_ID";
  public static final String FEISHU_APP_SECRET = "POCO_FEISHU_APP_SECRET";
  public static final String FEISHU_DELIVERY_MODE = "POCO_FEISHU_DELIVERY_MODE";
  public static final String FEISHU_VERIFICATION_TOKEN = "POCO_FEISHU_VERIFICATION_TOKEN";
  public static final String FEISHU_ENCRYPT_KEY = "POCO_FEISHU_ENCRYPT_KEY";
  public static final String FEISHU_API_BASE_URL = "POCO_FEISHU_API_BASE_URL";
  public static final String SLACK_BOT_TOKEN = "POCO_SLACK_BOT_TOKEN";
  public static final String SLACK_APP_TOKEN = "POCO_SLACK_APP_TOKEN";
  public static final String SLACK_SIGNING_SECRET = "POCO_SLACK_SIGNING_SECRET";
  public static final String SLACK_DELIVERY_MODE = "POCO_SLACK_DELIVERY_MODE";
  public static final String SLACK_API_BASE_URL = "POCO_SLACK_API_BASE_URL";
  /** true: a task's Slack thread is an agent session showing processing / waiting / done (default false). */
  public static final String SLACK_AGENT_SESSIONS = "POCO_SLACK_AGENT_SESSIONS";

  /** Keys whose values are secrets: never logged, shown or echoed, only their presence and length. */
  public static final List<String> SECRETS = List.of(FEISHU_APP_SECRET, FEISHU_VERIFICATION_TOKEN,
      FEISHU_ENCRYPT_KEY, SLACK_BOT_TOKEN, SLACK_APP_TOKEN, SLACK_SIGNING_SECRET, HTTP_TOKEN, CLAUDE_API_KEY);

  /** Per-backend key prefixes: POCO_CODEX_COMMAND, POCO_CLAUDE_MODEL, ... */
  public static String backendKey(String backend, String setting) {
    String prefix = switch (backend) {
      case "claude_code" -> "CLAUDE";
      case "cursor_agent" -> "CURSOR";
      default -> backend.toUpperCase(java.util.Locale.ROOT);
    };
    return "POCO_" + prefix + "_" + setting.toUpperCase(java.util.Locale.ROOT);
  }
}
