package dev.poco.demoapi;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Hand-written HTTP/1.1 over a blocking socket, for what clients will not send: any Host header, oversized
 * request lines and headers, malformed requests. Call from the test thread only.
 */
record RawHttp(int status, String head, String body) {
  static RawHttp send(int port, String request) {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int split = all.indexOf("\r\n\r\n");
      String head = split < 0 ? all : all.substring(0, split);
      String body = split < 0 ? "" : all.substring(split + 4);
      return new RawHttp(Integer.parseInt(head.split(" ", 3)[1]), head, body);
    } catch (IOException e) {
      throw new AssertionError("raw request to port " + port + " failed", e);
    }
  }

  /** A GET with the given Host header (null: none) that closes the connection after the answer. */
  static RawHttp get(int port, String path, String host, String... extraHeaders) {
    StringBuilder req = new StringBuilder("GET " + path + " HTTP/1.1\r\n");
    if (host != null) req.append("Host: ").append(host).append("\r\n");
    for (String h : extraHeaders) req.append(h).append("\r\n");
    return send(port, req.append("Connection: close\r\n\r\n").toString());
  }

  JsonObject json() { return new JsonObject(body); }

  /** The value of a response header, or null. */
  String header(String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }
}
