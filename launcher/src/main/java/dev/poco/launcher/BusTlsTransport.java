package dev.poco.launcher;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.impl.transports.NioTransport;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.transport.Transport;

/**
 * Vert.x's NIO transport, plus a watch on every TLS handshake a mutual-TLS server accepts, so the bus server's
 * refusals reach the log ({@link BusRefusals}). Why here: Vert.x 5.0.10 creates the bus's NetServer privately in
 * ClusteredEventBus.start without an exception handler, and its SslHandshakeCompletionHandler drops the failure, so
 * a refused client leaves no trace at any log level. The transport's configure hook sees the server's bootstrap
 * before it binds; only servers with {@code ClientAuth.REQUIRED} (in PoCo, the bus alone) are watched.
 * Subclasses NioTransport (a Vert.x internal, pinned to 5.0.x) rather than wrapping it, because Vert.x takes any
 * other transport for a native one; BusTlsTest fails if an upgrade breaks the hook.
 */
final class BusTlsTransport extends NioTransport {
  static final Transport TRANSPORT = new Transport() {
    private final BusTlsTransport impl = new BusTlsTransport();

    @Override public String name() { return "nio"; }

    @Override public boolean available() { return true; }

    @Override public Throwable unavailabilityCause() { return null; }

    @Override public io.vertx.core.spi.transport.Transport implementation() { return impl; }
  };

  private static final ChannelHandler ACCEPTED = new Accepted();

  @Override
  public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
    super.configure(options, domainSocket, bootstrap);
    if (options.isSsl() && options.getClientAuth() == ClientAuth.REQUIRED) bootstrap.handler(ACCEPTED);
  }

  /** On the listening channel: puts a watch first in each accepted connection's pipeline. */
  @ChannelHandler.Sharable
  private static final class Accepted extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof Channel child) child.pipeline().addFirst(new HandshakeWatch());
      ctx.fireChannelRead(msg);
    }
  }

  /** Once Vert.x has set the connection up (its SslHandler in place), listens for the handshake's end and leaves. */
  private static final class HandshakeWatch extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      SslHandler ssl = ctx.pipeline().get(SslHandler.class);
      java.net.SocketAddress peer = ctx.channel().remoteAddress();
      java.net.SocketAddress local = ctx.channel().localAddress();
      ctx.pipeline().remove(this);
      if (ssl != null) {
        ssl.handshakeFuture().addListener(f -> {
          if (!f.isSuccess()) BusRefusals.inbound(local, peer, f.cause());
        });
      }
      ctx.fireChannelActive();
    }
  }
}
