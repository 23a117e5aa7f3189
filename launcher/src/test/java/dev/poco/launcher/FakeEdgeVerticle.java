package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Stands in for the HTTP edge: GET /health on POCO_HTTP_HOST:POCO_HTTP_PORT, the real edge's log line on bind.
 * POCO_TEST_MODE=fail refuses to start; =pair writes a pairing code; =sick answers /health "degraded"
 * (with a 200, as the real edge does when the orchestrator is silent).
 */
public class FakeEdgeVerticle extends VerticleBase {
  static final String MODE = "POCO_TEST_MODE";
  static final String PAIRING_CODE = "654321";

  @Override
  public Future<?> start() throws Exception {
    Settings s = new Settings(config());
    String mode = s.str(MODE, "");
    if (mode.equals("fail")) {
      System.out.println("fake edge: refusing to start");
      return Future.failedFuture("edge refused to start (test)");
    }
    if (mode.equals("pair")) Files.writeString(Path.of(s.str(ConfigKeys.PAIRING_CODE_FILE, null)), PAIRING_CODE + "\n");
    String host = s.str(ConfigKeys.HTTP_HOST, "127.0.0.1");
    JsonObject health = new JsonObject()
        .put("status", mode.equals("sick") ? "degraded" : "ok")
        .put("mode", "local")
        .put("agent", new JsonObject().put("backend", "stub").put("ready", true))
        .put("runners", new JsonArray().add(new JsonObject().put("id", "local").put("running", 0)))
        .put("state", new JsonObject().put("backend", "memory").put("path", s.str(ConfigKeys.STATE_DB_PATH, null)))
        .put("missing", new JsonArray().add("POCO_FEISHU_APP_ID"))
        .put("warnings", new JsonArray())
        // a leaking edge: the CLI must still not print it
        .put("leak", s.str(ConfigKeys.SLACK_BOT_TOKEN, ""));
    return vertx.createHttpServer()
        .requestHandler(req -> {
          if (req.path().equals("/health")) {
            req.response().setStatusCode(200)
                .putHeader("content-type", "application/json").end(health.encode());
          } else {
            req.response().setStatusCode(404).end();
          }
        })
        .listen(s.integer(ConfigKeys.HTTP_PORT, 8000), host)
        .onSuccess(server -> System.out.println("HTTP edge listening on http://" + host + ":" + server.actualPort()));
  }
}
