package dev.poco.launcher;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.security.cert.CertificateException;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/**
 * The membership transport's TLS server socket, whose accept() finishes the TLS handshake before JGroups sees the
 * connection, so that a refused peer is logged (BusRefusals.membership) even when our trust manager never runs: a
 * node without credentials speaks plain JGroups and fails before any certificate is exchanged. A failed handshake
 * is logged, the socket closed, and accepting goes on. The trade-off: the handshake runs on the accept thread, so a
 * peer that connects and stays silent holds new connections back for up to {@link #HANDSHAKE_MS} (JGroups already
 * reads a new peer's address on that thread).
 */
final class HandshakingServerSocket extends ServerSocket {
  static final int HANDSHAKE_MS = 2_000;
  private final ServerSocket tls;

  private HandshakingServerSocket(ServerSocket tls) throws IOException {
    this.tls = tls;
  }

  /** {@code factory} with every server socket it makes wrapped (its client sockets are unchanged). */
  static org.jgroups.util.SocketFactory wrapping(org.jgroups.util.SocketFactory factory) {
    InvocationHandler h = (proxy, method, args) -> {
      Object[] a = args;
      if (method.getName().equals("close") && a != null && a[0] instanceof HandshakingServerSocket s) {
        s.close();
        return null;
      }
      Object out;
      try {
        out = method.invoke(factory, a);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      return out instanceof ServerSocket s && !(out instanceof HandshakingServerSocket)
          ? new HandshakingServerSocket(s) : out;
    };
    return (org.jgroups.util.SocketFactory) Proxy.newProxyInstance(HandshakingServerSocket.class.getClassLoader(),
        new Class<?>[] {org.jgroups.util.SocketFactory.class}, h);
  }

  @Override public Socket accept() throws IOException {
    while (true) {
      Socket s = tls.accept();
      if (!(s instanceof SSLSocket ssl)) return s;
      int before = s.getSoTimeout();
      try {
        s.setSoTimeout(HANDSHAKE_MS);
        ssl.startHandshake();
        s.setSoTimeout(before);
        return s;
      } catch (IOException e) {
        String why = why(e);
        if (why != null) BusRefusals.membership(peer(s), why);
        try {
          s.close();
        } catch (IOException ignored) {
          // refused anyway
        }
      }
    }
  }

  /**
   * Why the handshake failed, in words; null when there is nothing to report: the trust manager already said it (a
   * certificate refused), or the peer closed cleanly without a word (a member's connect that timed out on a loaded
   * machine is no rogue).
   */
  static String why(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CertificateException || t instanceof java.io.EOFException) return null;
      if (t instanceof SocketException && !(t instanceof javax.net.ssl.SSLException)) {
        // A reset or broken pipe mid-handshake: the peer closed with our flight unread. Another cluster's node does
        // that about one time in ten (measured: 33 of 300 on loopback) instead of its certificate_unknown alert
        // reaching us, because it stops reading at our certificate.
        return "it hung up in the middle of the TLS handshake (a node of another cluster, refusing this node's"
            + " certificate?)";
      }
      String m = String.valueOf(t.getMessage());
      if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext connection")) {
        return "it does not speak TLS (a node without the cluster's credentials?)";
      }
      if (m.contains("Empty client certificate chain") || m.contains("certificate_required")) {
        return "no client certificate";
      }
      if (m.contains("certificate_unknown") || m.contains("unknown_ca") || m.contains("bad_certificate")) {
        // TLS 1.3: the client checks our certificate first, so another cluster's node hangs up before sending its own
        return "it refused this node's certificate (a node of another cluster?)";
      }
      if (t instanceof SocketTimeoutException) return "no TLS handshake within " + HANDSHAKE_MS / 1000 + " s";
    }
    return "TLS handshake failed: " + e.getMessage();
  }

  private static String peer(Socket s) {
    return s.getInetAddress() == null ? "?" : s.getInetAddress().getHostAddress() + ":" + s.getPort();
  }

  // ---- the rest is the TLS server socket's ----

  @Override public void bind(SocketAddress endpoint) throws IOException { tls.bind(endpoint); }

  @Override public void bind(SocketAddress endpoint, int backlog) throws IOException { tls.bind(endpoint, backlog); }

  @Override public InetAddress getInetAddress() { return tls.getInetAddress(); }

  @Override public int getLocalPort() { return tls.getLocalPort(); }

  @Override public SocketAddress getLocalSocketAddress() { return tls.getLocalSocketAddress(); }

  @Override public void close() throws IOException {
    tls.close();
    super.close();
  }

  @Override public ServerSocketChannel getChannel() { return null; }

  @Override public boolean isBound() { return tls.isBound(); }

  @Override public boolean isClosed() { return tls.isClosed(); }

  @Override public void setSoTimeout(int timeout) throws SocketException { tls.setSoTimeout(timeout); }

  @Override public int getSoTimeout() throws IOException { return tls.getSoTimeout(); }

  @Override public void setReuseAddress(boolean on) throws SocketException { tls.setReuseAddress(on); }

  @Override public boolean getReuseAddress() throws SocketException { return tls.getReuseAddress(); }

  @Override public void setReceiveBufferSize(int size) throws SocketException { tls.setReceiveBufferSize(size); }

  @Override public int getReceiveBufferSize() throws SocketException { return tls.getReceiveBufferSize(); }

  @Override public void setPerformancePreferences(int time, int latency, int bandwidth) {
    tls.setPerformancePreferences(time, latency, bandwidth);
  }

  @Override public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
    tls.setOption(name, value);
    return this;
  }

  @Override public <T> T getOption(SocketOption<T> name) throws IOException { return tls.getOption(name); }

  @Override public Set<SocketOption<?>> supportedOptions() { return tls.supportedOptions(); }

  @Override public String toString() { return tls.toString(); }
}
