package dev.poco.launcher;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;

/** %maskedEx: stack traces with configured secret values masked (error messages often quote a rejected token). */
public class MaskedThrowableConverter extends ThrowableProxyConverter {
  @Override
  protected String throwableProxyToString(IThrowableProxy tp) {
    return SecretMasking.mask(super.throwableProxyToString(tp));
  }
}
