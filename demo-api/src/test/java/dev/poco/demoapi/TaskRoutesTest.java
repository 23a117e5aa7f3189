package dev.poco.demoapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import dev.poco.contract.TaskQuery;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.TaskText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
@DisplayName("GET /tasks")
class TaskRoutesTest {
  private FakeBus bus;
  private Edge edge;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext ctx) {
    bus = new FakeBus(vertx)
        .reply(Addresses.ORCHESTRATOR_TASK_LIST, q -> new JsonObject().put("tasks",
            new JsonArray().add(Fixtures.task("t1", TaskStatus.RUNNING).toJson())))
        .reply(Addresses.ORCHESTRATOR_TASK_GET, body -> {
          if (!body.getString("task_id").equals("t1")) {
            throw Bus.error(Failures.NOT_FOUND, "unknown task " + body.getString("task_id"));
          }
          return Fixtures.task("t1", TaskStatus.RUNNING).toJson();
        })
        .reply(Addresses.ORCHESTRATOR_TASK_AWAIT, body -> Fixtures.task(body.getString("task_id"),
            TaskStatus.COMPLETED).toJson());
    bus.ready().compose(v -> Edge.deploy(vertx)).onComplete(ctx.succeeding(e -> {
      edge = e;
      ctx.completeNow();
    }));
  }

  @Test
  @DisplayName("lists tasks, passing limit, statuses and project id on as a TaskQuery")
  void list(VertxTestContext ctx) {
    edge.get("/tasks?limit=5&status=running,Waiting_Confirmation&project_id=p1")
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          JsonArray tasks = resp.bodyAsJsonObject().getJsonArray("tasks");
          assertThat(tasks).hasSize(1);
          assertThat(tasks.getJsonObject(0).getString("task_id")).isEqualTo("t1");
          TaskQuery query = TaskQuery.fromJson(bus.last(Addresses.ORCHESTRATOR_TASK_LIST));
          assertThat(query).isEqualTo(new TaskQuery("p1", List.of("running", "waiting_confirmation"), 5));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("lists with the default query when none is given")
  void listDefaults(VertxTestContext ctx) {
    edge.get("/tasks").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(TaskQuery.fromJson(bus.last(Addresses.ORCHESTRATOR_TASK_LIST)))
          .isEqualTo(new TaskQuery(null, List.of(), 100));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("returns one task in the Task JSON shape")
  void get(VertxTestContext ctx) {
    edge.get("/tasks/t1").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertThat(resp.statusCode()).isEqualTo(200);
      JsonObject task = resp.bodyAsJsonObject();
      assertThat(task.fieldNames()).contains("task_id", "status", "prompt", "backend", "result", "output",
          "created_at", "updated_at");
      assertThat(task.getString("status")).isEqualTo("running");
      assertThat(task.getString("created_at")).isEqualTo("2023-11-14T22:13:20Z");
      assertThat(bus.last(Addresses.ORCHESTRATOR_TASK_GET)).isEqualTo(new JsonObject().put("task_id", "t1"));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("passes a page of the output on (output_offset, output_limit capped at a page) and refuses bad ones")
  void outputPages(VertxTestContext ctx) {
    Future.all(edge.get("/tasks/t1?output_offset=2048&output_limit=999999999"), edge.get("/tasks/t1?output_offset=-1"),
        edge.get("/tasks/t1?output_limit=0")).onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(all.<HttpResponse<Buffer>>resultAt(0).statusCode()).isEqualTo(200);
          assertThat(bus.received(Addresses.ORCHESTRATOR_TASK_GET)).containsExactly(new JsonObject()
              .put("task_id", "t1").put("output_offset", 2048L).put("output_limit", TaskText.PAGE_MAX_CHARS));
          assertThat(all.<HttpResponse<Buffer>>resultAt(1).statusCode()).isEqualTo(400);
          assertThat(all.<HttpResponse<Buffer>>resultAt(2).bodyAsJsonObject().getString("error"))
              .startsWith("query 'output_limit' must be a positive whole number");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("answers 404 JSON with the orchestrator's message for an unknown task")
  void unknownTask(VertxTestContext ctx) {
    edge.get("/tasks/nope").onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertThat(resp.statusCode()).isEqualTo(404);
      assertThat(resp.getHeader("Content-Type")).startsWith("application/json");
      assertThat(resp.bodyAsJsonObject()).isEqualTo(new JsonObject().put("ok", false)
          .put("error", "unknown task nope").put("code", 404));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("long-polls with ?wait, passing timeout_ms and capping it at a minute")
  void await(VertxTestContext ctx) {
    edge.get("/tasks/t1?wait=2").compose(first -> edge.get("/tasks/t9?wait=600").map(second -> List.of(first, second)))
        .onComplete(ctx.succeeding(resps -> ctx.verify(() -> {
          assertThat(resps.get(0).statusCode()).isEqualTo(200);
          assertThat(resps.get(0).bodyAsJsonObject().getString("status")).isEqualTo("completed");
          List<JsonObject> awaits = bus.received(Addresses.ORCHESTRATOR_TASK_AWAIT);
          assertThat(awaits).containsExactly(new JsonObject().put("task_id", "t1").put("timeout_ms", 2000),
              new JsonObject().put("task_id", "t9").put("timeout_ms", 60_000));
          assertThat(bus.received(Addresses.ORCHESTRATOR_TASK_GET)).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("rejects a bad limit, status or wait with 400 JSON before asking the orchestrator")
  void badQueries(VertxTestContext ctx) {
    Future.all(edge.get("/tasks?limit=-1"), edge.get("/tasks?status=done"), edge.get("/tasks/t1?wait=soon"))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < 3; i++) {
            assertThat(all.<HttpResponse<Buffer>>resultAt(i).statusCode()).isEqualTo(400);
          }
          assertThat(all.<HttpResponse<Buffer>>resultAt(1).bodyAsJsonObject().getString("error"))
              .startsWith("unknown status 'done'");
          assertThat(bus.received(Addresses.ORCHESTRATOR_TASK_LIST)).isEmpty();
          ctx.completeNow();
        })));
  }
}
