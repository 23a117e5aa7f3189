/**
 * The Feishu gateway (role {@code gateway-feishu}, GATEWAYS.md), first step: webhook delivery.
 *
 * <ul>
 *   <li>{@link dev.poco.gateway.feishu.FeishuGatewayVerticle}: wiring, health, debug, GatewayReady.</li>
 *   <li>{@link dev.poco.gateway.feishu.WebhookVerifier} and {@link dev.poco.gateway.feishu.FeishuCrypto}: challenge,
 *       token, X-Lark-Signature, timestamp window, AES decryption (feishu.md §5).</li>
 *   <li>{@link dev.poco.gateway.feishu.FeishuIntake} and {@link dev.poco.gateway.feishu.FeishuEvents}: messages and
 *       card callbacks into the contract; replies applied by placement; the 3-second rule (§5, §6).</li>
 *   <li>{@link dev.poco.gateway.feishu.FeishuLongConn}, {@link dev.poco.gateway.feishu.Pbbp2Frame}: the long connection
 *       (§7, §12; delivery mode {@code longconn}, the default): endpoint, pbbp2 frames, pings and a pong watchdog,
 *       fragments, acks (a callback's answer in the ack), reconnects up to the server's ReconnectCount.</li>
 *   <li>{@link dev.poco.gateway.feishu.FeishuApi}: tenant token, send, reply, PATCH, chats, rate limits (§1–§3).</li>
 *   <li>{@link dev.poco.gateway.feishu.FeishuCards} and {@code FeishuRenderer}: View → Card JSON 2.0 within 30 KB and
 *       200 elements; posts and PATCHes paced per card (§4).</li>
 *   <li>{@code FeishuStreamer} (with {@code CardKitApi}, {@code StreamCard}, {@code Transcript}, gateway-kit's {@code CallBudget}):
 *       a task card is a CardKit card entity sent by card_id; its live output is streamed (full text so far, sequence
 *       from ms since creation, ≤ 10 writes/s per card, 45 calls/s app-wide); state by full card updates; streaming
 *       closed for approvals and at the end; message PATCH as the fallback (§11). A task card is acked with a
 *       {@code CardRef} (message, entity, creation time) that the orchestrator keeps, so after a gateway restart the
 *       card streams on through its entity with the sequence still rising.</li>
 * </ul>
 *
 * <p>Cards other than task cards (home, workspace, sub-cards), and a task card whose entity could not be made, are
 * updated by message PATCH at most once a second per card. When a task waits or ends, a short line replying to its
 * prompt mentions the user (an edited card notifies nobody).
 *
 * <p>Configuration: POCO_FEISHU_APP_ID, POCO_FEISHU_APP_SECRET, POCO_FEISHU_DELIVERY_MODE=webhook,
 * POCO_FEISHU_VERIFICATION_TOKEN, POCO_FEISHU_ENCRYPT_KEY (optional: signed, encrypted delivery),
 * POCO_FEISHU_API_BASE_URL (default https://open.feishu.cn; a fake's http://127.0.0.1:port). Feishu's event URL is
 * the edge's /platform/feishu/events and its card callback URL /platform/feishu/card-actions.
 */
package dev.poco.gateway.feishu;
