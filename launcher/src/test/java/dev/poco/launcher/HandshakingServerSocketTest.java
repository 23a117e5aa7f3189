package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("The membership transport's server socket handshakes on accept: a peer without TLS is logged and dropped")
class HandshakingServerSocketTest {
  @Test
  @DisplayName("a plain connection is refused with a log line and the next (TLS) peer is still accepted")
  void plainPeerLoggedThenAcceptingGoesOn() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.list = new java.util.concurrent.CopyOnWriteArrayList<>(); // appended on other threads, read on this one
    Logger refusals = (Logger) LoggerFactory.getLogger(BusRefusals.class);
    refusals.addAppender(logs);
    logs.start();
    BusRefusals.forget(); // another test of this JVM may have logged the same refusal of 127.0.0.1 within the minute
    ClusterCredentials a = ClusterSslTest.creds(ClusterSslTest.CA, "a");
    ClusterCredentials b = ClusterSslTest.creds(ClusterSslTest.CA, "b");
    org.jgroups.util.SocketFactory factory = ClusterSsl.socketFactory(a, () -> null);
    try (ServerSocket server = factory.createServerSocket("jgroups.tcp.server")) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5);
      CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
        try {
          return server.accept();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        plain.getOutputStream().write("a plain JGroups peer's cookie".getBytes(StandardCharsets.UTF_8));
        plain.setSoTimeout(5_000);
        InputStream in = plain.getInputStream();
        while (in.read() >= 0) { /* until the server closes it */ }
      } catch (java.io.IOException closed) {
        // reset: refused
      }
      try (SSLSocket tls = (SSLSocket) ClusterSsl.context(b, () -> null).getSocketFactory()
          .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        tls.startHandshake();
        try (Socket s = accepted.get(10, TimeUnit.SECONDS)) {
          assertThat(s).isInstanceOf(SSLSocket.class);
          assertThat(((SSLSocket) s).getSession().getPeerPrincipal().getName()).contains("b");
        }
      }
    } finally {
      refusals.detachAppender(logs);
    }
    assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).startsWith("cluster membership: refused 127.0.0.1:")
            .contains("it does not speak TLS"));
  }

  @Test
  @DisplayName("another cluster's node is logged on every attempt, whether its alert arrives or it hangs up mid-handshake")
  void foreignNodeLoggedEveryTime() throws Exception {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.list = new java.util.concurrent.CopyOnWriteArrayList<>(); // appended on the accept thread, read here
    Logger refusals = (Logger) LoggerFactory.getLogger(BusRefusals.class);
    refusals.addAppender(logs);
    logs.start();
    ClusterCredentials a = ClusterSslTest.creds(ClusterSslTest.CA, "a");
    javax.net.ssl.SSLSocketFactory foreign =
        ClusterSsl.context(ClusterSslTest.creds(ClusterSslTest.FOREIGN, "b"), () -> null).getSocketFactory();
    int attempts = 60; // measured: about one in ten hangs up (reset / broken pipe) instead of sending its alert
    try (ServerSocket server = ClusterSsl.socketFactory(a, () -> null).createServerSocket("jgroups.tcp.server")) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5);
      CompletableFuture<Socket> accepting = CompletableFuture.supplyAsync(() -> {
        try {
          return server.accept(); // returns only for a peer that completes the handshake: none here
        } catch (Exception e) {
          return null;
        }
      });
      for (int i = 0; i < attempts; i++) {
        BusRefusals.forget(); // one line a minute per peer and reason: each attempt must be seen
        try (SSLSocket c = (SSLSocket) foreign.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
          c.startHandshake();
        } catch (java.io.IOException refused) {
          // it does not trust our CA
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (serverSide(logs).size() <= i && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(serverSide(logs)).as("attempt %d logged", i).hasSize(i + 1);
      }
      assertThat(accepting).isNotDone();
    } finally {
      refusals.detachAppender(logs);
    }
    assertThat(serverSide(logs)).allSatisfy(m -> assertThat(m).contains("a node of another cluster"));
  }

  /** The server socket's lines ("refused 127.0.0.1:port"), not the foreign client's own about our certificate. */
  private static java.util.List<String> serverSide(ListAppender<ILoggingEvent> logs) {
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.startsWith("cluster membership: refused 127.0.0.1:")).toList();
  }
}
