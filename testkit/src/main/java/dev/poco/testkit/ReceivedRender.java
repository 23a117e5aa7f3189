package dev.poco.testkit;

import io.vertx.core.json.JsonObject;

/**
 * One RenderRequest as a {@link RecordingGateway} received it, and what it did with it.
 *
 * @param address the bus address it came on (shared render address or this instance's own)
 * @param messageId the message id the render named (null: a post)
 * @param outcome posted, patched, reposted (a post of a card already posted: patched), stale, failed (scripted 500),
 *     dropped (scripted, never answered), not_found (patch of an unknown message: 404); ",ack_lost" appended when it
 *     was shown but its ack was lost (scripted)
 * @param ackedMessageId the message id the ack carried, null when not acked
 * @param receivedAt when it arrived; {@code ackedAt} when the answer left (0: never)
 * @param body the request exactly as received, to replay it
 */
public record ReceivedRender(String address, String cardKey, long version, boolean mustShow, String messageId,
    String status, String taskId, String outcome, String ackedMessageId, long receivedAt, long ackedAt,
    JsonObject body) {
  public boolean post() { return messageId == null; }

  ReceivedRender acked(String outcome, String ackedId, long at) {
    return new ReceivedRender(address, cardKey, version, mustShow, messageId, status, taskId, outcome, ackedId,
        receivedAt, at, body);
  }

  @Override
  public String toString() {
    return cardKey + " v" + version + (mustShow ? " must" : "") + " " + (messageId == null ? "POST" : messageId)
        + " " + status + " → " + outcome + " via " + address;
  }
}
