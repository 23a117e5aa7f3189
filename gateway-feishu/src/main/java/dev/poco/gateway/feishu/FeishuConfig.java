package dev.poco.gateway.feishu;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;

/**
 * The Feishu gateway's settings. {@code toString} names which secrets are set, never their values.
 *
 * @param deliveryMode {@link #WEBHOOK} (events and callbacks through the HTTP edge's /platform/feishu/* routes) or
 *     {@link #LONGCONN} (the default: the gateway dials Feishu's long connection)
 * @param apiBaseUrl the open API host, https://open.feishu.cn unless a fake or Lark is used
 */
public record FeishuConfig(String appId, String appSecret, String deliveryMode, String verificationToken,
    String encryptKey, String apiBaseUrl) {
  public static final String WEBHOOK = "webhook";
  public static final String LONGCONN = "longconn";
  public static final String DEFAULT_BASE_URL = "https://open.feishu.cn";

  public static FeishuConfig from(Settings s) {
    String base = s.str(ConfigKeys.FEISHU_API_BASE_URL, DEFAULT_BASE_URL);
    while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    return new FeishuConfig(s.str(ConfigKeys.FEISHU_APP_ID, null), s.str(ConfigKeys.FEISHU_APP_SECRET, null),
        s.str(ConfigKeys.FEISHU_DELIVERY_MODE, LONGCONN).toLowerCase(java.util.Locale.ROOT),
        s.str(ConfigKeys.FEISHU_VERIFICATION_TOKEN, null), s.str(ConfigKeys.FEISHU_ENCRYPT_KEY, null), base);
  }

  /** The app credentials are set: the gateway can call the open API. */
  public boolean configured() { return appId != null && appSecret != null; }

  public boolean webhook() { return WEBHOOK.equals(deliveryMode); }

  public boolean longConn() { return LONGCONN.equals(deliveryMode); }

  @Override
  public String toString() {
    return "FeishuConfig[app_id=" + appId + ", delivery_mode=" + deliveryMode + ", api=" + apiBaseUrl
        + ", app_secret " + (appSecret != null ? "set" : "unset") + ", verification_token "
        + (verificationToken != null ? "set" : "unset") + ", encrypt_key " + (encryptKey != null ? "set" : "unset") + "]";
  }
}
