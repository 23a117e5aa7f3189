package dev.poco.agentrunner;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("JSON-RPC over lines, both directions")
class JsonRpcPeerTest {
  @Test
  @DisplayName("requests complete by id, errors fail, server requests are answered, unknown ones get -32601, junk is skipped")
  void roundTrips() {
    List<JsonObject> sent = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    JsonRpcPeer peer = new JsonRpcPeer("t", l -> sent.add(new JsonObject(l)), false)
        .onRequest((m, p) -> m.equals("ask") ? Future.succeededFuture(new JsonObject().put("decision", "accept")) : null)
        .onNotification((m, p) -> notes.add(m));
    Future<JsonObject> ok = peer.request("initialize", new JsonObject());
    Future<JsonObject> bad = peer.request("thread/start", new JsonObject());
    assertThat(sent.get(0).getLong("id")).isEqualTo(0L);
    assertThat(sent.get(0).containsKey("jsonrpc")).isFalse();
    peer.accept("{\"id\":0,\"result\":{\"userAgent\":\"x\"}}");
    peer.accept("{\"id\":1,\"error\":{\"code\":-32600,\"message\":\"Not initialized\"}}");
    peer.accept("this is not json");
    peer.accept("{\"method\":\"turn/started\",\"params\":{}}");
    peer.accept("{\"id\":7,\"method\":\"ask\",\"params\":{}}");
    peer.accept("{\"id\":\"s1\",\"method\":\"mystery\",\"params\":{}}");
    assertThat(ok.result().getString("userAgent")).isEqualTo("x");
    assertThat(bad.failed()).isTrue();
    assertThat(((JsonRpcPeer.RpcError) bad.cause()).code).isEqualTo(-32600);
    assertThat(notes).containsExactly("turn/started");
    assertThat(sent.get(2)).isEqualTo(new JsonObject().put("id", 7).put("result", new JsonObject().put("decision", "accept")));
    assertThat(sent.get(3).getString("id")).isEqualTo("s1");
    assertThat(sent.get(3).getJsonObject("error").getInteger("code")).isEqualTo(-32601);
  }

  @Test
  @DisplayName("ACP flavour adds jsonrpc 2.0; close fails what is pending")
  void acpAndClose() {
    List<JsonObject> sent = new ArrayList<>();
    JsonRpcPeer peer = new JsonRpcPeer("acp", l -> sent.add(new JsonObject(l)), true);
    Future<JsonObject> f = peer.request("session/prompt", new JsonObject());
    assertThat(sent.get(0).getString("jsonrpc")).isEqualTo("2.0");
    peer.close("agent exited");
    assertThat(f.failed()).isTrue();
    assertThat(f.cause().getMessage()).isEqualTo("agent exited");
  }
}
