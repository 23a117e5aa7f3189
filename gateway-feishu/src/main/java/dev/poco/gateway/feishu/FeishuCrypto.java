package dev.poco.gateway.feishu;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Feishu webhook cryptography (feishu.md §5): the {@code X-Lark-Signature} (plain SHA-256, not HMAC, over
 * timestamp + nonce + encrypt key + the raw body) and the AES-256-CBC body encryption (key = SHA-256 of the encrypt
 * key, IV = the first 16 bytes of the base64-decoded text, PKCS#7 padding).
 */
public final class FeishuCrypto {
  private FeishuCrypto() {}

  /** lowercase hex SHA-256 of {@code timestamp + nonce + encryptKey + body}, the body as the exact bytes received. */
  public static String signature(String timestamp, String nonce, String encryptKey, byte[] body) {
    MessageDigest sha = sha256();
    sha.update((timestamp + nonce + encryptKey).getBytes(StandardCharsets.UTF_8));
    sha.update(body);
    return HexFormat.of().formatHex(sha.digest());
  }

  /** Compares a received signature with the expected one in constant time; false for a missing one. */
  public static boolean signatureMatches(String received, String timestamp, String nonce, String encryptKey,
      byte[] body) {
    if (received == null || timestamp == null || nonce == null) return false;
    byte[] expected = signature(timestamp, nonce, encryptKey, body).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, received.trim().toLowerCase(java.util.Locale.ROOT)
        .getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Decrypts the value of an {@code {"encrypt": ...}} body.
   *
   * @throws IllegalArgumentException when it is not base64, too short, or does not decrypt with this key
   */
  public static String decrypt(String encryptKey, String base64) {
    byte[] buf;
    try {
      buf = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("encrypted body is not base64");
    }
    if (buf.length < 32 || (buf.length - 16) % 16 != 0) {
      throw new IllegalArgumentException("encrypted body has a wrong length");
    }
    try {
      Cipher c = Cipher.getInstance("AES/CBC/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key(encryptKey), new IvParameterSpec(Arrays.copyOf(buf, 16)));
      byte[] plain = c.doFinal(buf, 16, buf.length - 16);
      int pad = plain.length == 0 ? 0 : plain[plain.length - 1] & 0xff;
      if (pad < 1 || pad > 16 || pad > plain.length) throw new IllegalArgumentException("bad padding");
      for (int i = plain.length - pad; i < plain.length; i++) {
        if ((plain[i] & 0xff) != pad) throw new IllegalArgumentException("bad padding");
      }
      return new String(plain, 0, plain.length - pad, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("encrypted body does not decrypt with the configured encrypt key");
    }
  }

  /** Encrypts as Feishu does (random IV, PKCS#7, IV prepended, base64): for tests and fakes. */
  public static String encrypt(String encryptKey, String plain) {
    try {
      byte[] iv = new byte[16];
      new SecureRandom().nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/CBC/PKCS5Padding");
      c.init(Cipher.ENCRYPT_MODE, key(encryptKey), new IvParameterSpec(iv));
      byte[] enc = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[16 + enc.length];
      System.arraycopy(iv, 0, out, 0, 16);
      System.arraycopy(enc, 0, out, 16, enc.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static SecretKeySpec key(String encryptKey) {
    return new SecretKeySpec(sha256().digest(encryptKey.getBytes(StandardCharsets.UTF_8)), "AES");
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
