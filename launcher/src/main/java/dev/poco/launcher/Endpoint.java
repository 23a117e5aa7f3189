package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/** Where the HTTP edge listens: POCO_HTTP_HOST:POCO_HTTP_PORT, default 127.0.0.1:8000; port 0 means any free port. */
record Endpoint(String host, int port) {
  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 8000;

  static Endpoint of(JsonObject config) {
    Settings s = new Settings(config);
    int port;
    try {
      port = s.integer(ConfigKeys.HTTP_PORT, DEFAULT_PORT);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(SecretMasking.mask(e.getMessage()) + " (a port from 0 to 65535; 0: any free port)");
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException(ConfigKeys.HTTP_PORT + " must be a port from 0 to 65535 (0: any free port), got "
          + port);
    }
    return new Endpoint(s.str(ConfigKeys.HTTP_HOST, DEFAULT_HOST), port);
  }

  static Endpoint parse(String url) {
    URI u = URI.create(url);
    return new Endpoint(u.getHost().replace("[", "").replace("]", ""), u.getPort());
  }

  boolean anyPort() { return port == 0; }

  String url() { return "http://" + bracketed(host) + ":" + port; }

  /** The address a local client dials: a wildcard bind is reached on loopback. */
  URI probe() {
    String h = switch (host) {
      case "0.0.0.0", "", "*" -> "127.0.0.1";
      case "::", "[::]" -> "[::1]";
      default -> bracketed(host);
    };
    return URI.create("http://" + h + ":" + port);
  }

  /** True when something already accepts connections there. */
  boolean inUse() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(probe().getHost().replace("[", "").replace("]", ""), port), 300);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String bracketed(String h) {
    return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
  }
}
