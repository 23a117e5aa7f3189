package dev.poco.testkit.fakes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Feishu's webhook crypto as the platform does it (feishu.md §5): AES-256-CBC with key = SHA-256(encrypt key), a random
 * 16-byte IV prepended to the ciphertext, base64; and the plain SHA-256 (not HMAC) request signature
 * lowercase_hex(SHA-256(timestamp + nonce + encryptKey + rawBody)).
 */
public final class FeishuCrypto {
  private static final SecureRandom RANDOM = new SecureRandom();

  private FeishuCrypto() {}

  /** {@code base64(IV ‖ AES-CBC-PKCS7(plain))} with a fresh random IV. */
  public static String encrypt(String encryptKey, String plain) {
    byte[] iv = new byte[16];
    RANDOM.nextBytes(iv);
    try {
      Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
      cipher.init(Cipher.ENCRYPT_MODE, key(encryptKey), new IvParameterSpec(iv));
      byte[] ct = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] out = Arrays.copyOf(iv, 16 + ct.length);
      System.arraycopy(ct, 0, out, 16, ct.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The inverse of {@link #encrypt}: IV = the first 16 bytes, PKCS#7 padding stripped. */
  public static String decrypt(String encryptKey, String encrypted) {
    byte[] buf = Base64.getDecoder().decode(encrypted);
    try {
      Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
      cipher.init(Cipher.DECRYPT_MODE, key(encryptKey), new IvParameterSpec(buf, 0, 16));
      return new String(cipher.doFinal(buf, 16, buf.length - 16), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot decrypt", e);
    }
  }

  /** X-Lark-Signature for a body as sent (the encrypted JSON in encrypted mode). */
  public static String signature(String timestamp, String nonce, String encryptKey, byte[] rawBody) {
    MessageDigest sha = sha256();
    sha.update((timestamp + nonce + encryptKey).getBytes(StandardCharsets.UTF_8));
    sha.update(rawBody);
    return HexFormat.of().formatHex(sha.digest());
  }

  private static SecretKeySpec key(String encryptKey) {
    return new SecretKeySpec(sha256().digest(encryptKey.getBytes(StandardCharsets.UTF_8)), "AES");
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
