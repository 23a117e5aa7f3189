package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * Published by a gateway instance once it serves its addresses (on start, and again when its platform listener
 * reconnects). The orchestrator answers by sending again the current card of every unfinished task of the platform
 * and every must-show render not yet acknowledged: renders sent while no gateway ran are not lost.
 */
public record GatewayReady(String platform, String gatewayId) {
  public JsonObject toJson() { return new JsonObject().put("platform", platform).put("gateway_id", gatewayId); }

  public static GatewayReady fromJson(JsonObject j) {
    return new GatewayReady(Jsons.required(j, "platform"), Jsons.required(j, "gateway_id"));
  }
}
