package dev.poco.launcher;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** %maskedMsg: the log message with configured secret values masked. */
public class MaskedMessageConverter extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return SecretMasking.mask(super.convert(event));
  }
}
