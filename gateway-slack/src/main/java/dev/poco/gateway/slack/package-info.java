/**
 * The Slack gateway (role {@code gateway-slack}, GATEWAYS.md): Socket Mode or signed HTTP delivery.
 *
 * <ul>
 *   <li>{@link dev.poco.gateway.slack.SlackGatewayVerticle}: wiring, health, debug, GatewayReady.</li>
 *   <li>{@code SlackSignature}: v0 HMAC-SHA256 over the raw body, 5-minute window, constant-time compare (§1).</li>
 *   <li>{@code SlackIntake} and {@code SlackEvents}: events, block_actions and /poco into the contract; replies
 *       applied by placement; the 3-second rule for slash commands (§2, §3).</li>
 *   <li>{@code SlackSocketMode}: Socket Mode (§5, §11): apps.connections.open per connect, envelope acks, dedupe,
 *       disconnect reasons, ping/pong watchdog; hands payloads to the same {@code SlackIntake} handlers.</li>
 *   <li>{@link dev.poco.gateway.slack.SlackApi}: Bearer bot token, chat.*, conversations.*, response_url, rate limits
 *       (§4, §6).</li>
 *   <li>{@code SlackBlocks} and {@code SlackRenderer}: View → Block Kit within 50 blocks (100 in a modal), 3,000
 *       characters per section, 25 buttons per actions block, Markdown as mrkdwn; posts and chat.updates paced per card; a threaded line mentioning the
 *       user when a task waits or ends.</li>
 *   <li>{@code SlackStreamer} (with {@code StreamLimits}): a task's output streamed into its thread (§10.1, §10.2,
 *       §10.5): startStream / appendStream / stopStream, shared workspace budgets, rollover before the ~5-minute
 *       expiry, an expired stream repaired by chat.update, the task message's live window when the workspace cannot
 *       stream; {@code SlackSessions} and {@code AgentSessionStop}: agent session status and Slack's Stop (§10.3).</li>
 *   <li>{@code SlackChats}: project channels (conversations.create, invite, archive).</li>
 *   <li>{@code SlackModals}: a form a click answers opens as a modal (views.open with the click's trigger_id, its
 *       origin in private_metadata); view_submission becomes the same CardIntent, answered with response_action
 *       errors / update / clear within 3 s (the HTTP body or the Socket Mode ack); the form stays in the message
 *       when the trigger is gone or views.open refuses.</li>
 * </ul>
 *
 * <p>Configuration: POCO_SLACK_BOT_TOKEN; POCO_SLACK_DELIVERY_MODE=socket (the default) with POCO_SLACK_APP_TOKEN
 * (xapp-, connections:write), or =webhook with POCO_SLACK_SIGNING_SECRET; POCO_SLACK_API_BASE_URL (default
 * https://slack.com/api, also used for apps.connections.open; a fake's http://127.0.0.1:port/api). Webhook mode's
 * Request URLs: /platform/slack/events (subscribe to message.channels, message.groups, message.im), /platform/slack/interactive,
 * and the /poco command's /platform/slack/commands.
 */
package dev.poco.gateway.slack;
