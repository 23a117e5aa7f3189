package dev.poco.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import javax.net.ssl.SSLException;
import org.slf4j.Marker;

/**
 * Turns Vert.x's "Connecting to server &lt;node&gt; failed" WARN, when a TLS handshake failed, into one
 * {@link BusRefusals} line with the reason and without the stack trace. Vert.x logs that line with a full stack
 * trace for every connection attempt, and each send routed to a rogue's consumer makes one. Other failures
 * (connection refused, timeouts) keep Vert.x's own line. Installed by logback.xml.
 */
public final class BusRefusalFilter extends TurboFilter {
  static final String CLUSTERED_EVENT_BUS = "io.vertx.core.eventbus.impl.clustered.ClusteredEventBus";
  private static final String PREFIX = "Connecting to server ";
  private static final String SUFFIX = " failed";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (t == null || format == null || !format.startsWith(PREFIX) || !format.endsWith(SUFFIX)
        || !CLUSTERED_EVENT_BUS.equals(logger.getName()) || !tls(t)) {
      return FilterReply.NEUTRAL;
    }
    BusRefusals.outbound(format.substring(PREFIX.length(), format.length() - SUFFIX.length()), t);
    return FilterReply.DENY;
  }

  private static boolean tls(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SSLException) return true;
    }
    return false;
  }
}
