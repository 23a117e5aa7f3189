package dev.poco.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every contract record's fromJson over generated JSON: it returns a record or rejects the input with one of
 * the decoding failures {@link Bus#code} answers 400 ({@link IllegalArgumentException} from
 * {@link Jsons#required} or {@link Records#fromJson}, {@link ClassCastException} for a value of the wrong type, {@link DateTimeException} for an
 * unreadable time), never anything else (a NullPointerException would be a 500), and never hangs.
 */
class FromJsonFuzzTest {
  record Decoder(String name, Function<JsonObject, ?> fromJson, List<String> fields) {
    @Override public String toString() { return name; }
  }

  static final List<Decoder> DECODERS = List.of(
      new Decoder("InboundMessage", InboundMessage::fromJson, List.of("platform", "chat_id", "chat_type", "user_id",
          "text", "message_id", "event_id", "thread_id", "trusted")),
      new Decoder("CardIntent", CardIntent::fromJson, List.of("platform", "chat_id", "chat_type", "user_id",
          "message_id", "intent_key", "request_id", "value", "form", "trusted")),
      new Decoder("TaskEvent", TaskEvent::fromJson, List.of("task_id", "runner_id", "seq", "type", "text", "data")),
      new Decoder("RenderRequest", RenderRequest::fromJson, List.of("target", "message_id", "view", "task_id",
          "project_id", "last", "platform", "chat_id", "thread_id", "kind", "title", "fields", "actions")),
      new Decoder("CardBound", CardBound::fromJson, List.of("platform", "chat_id", "message_id", "task_id",
          "project_id")),
      new Decoder("StartTask", StartTask::fromJson, List.of("task_id", "project_id", "backend", "prompt", "workdir",
          "session_id", "settings")),
      new Decoder("TaskControl", TaskControl::fromJson, List.of("task_id", "action", "text")),
      new Decoder("FsRequest", FsRequest::fromJson, List.of("op", "path")),
      new Decoder("FsListing", FsListing::fromJson, List.of("path", "parent", "folders", "truncated", "roots")),
      new Decoder("Heartbeat", Heartbeat::fromJson, List.of("runner_id", "node_id", "backends", "max_tasks",
          "capacity", "task_ids", "roots", "sent_at", "started_at", "name", "ready", "settings", "options")),
      new Decoder("BackendInfo", BackendInfo::fromJson, List.of("name", "ready", "version", "detail", "approvals",
          "settings", "key", "label", "default", "options")),
      new Decoder("NodeInfo", NodeInfo::fromJson, List.of("node_id", "roles", "host", "cluster_port", "bus_port",
          "started_at", "uptime_ms", "pid")),
      new Decoder("AccessEntry", AccessEntry::fromJson, List.of("platform", "user_id", "role", "added_at")),
      new Decoder("AgentSession", AgentSession::fromJson, List.of("project_id", "backend", "session_id", "workdir",
          "runner_id", "updated_at")),
      new Decoder("ChatBinding", ChatBinding::fromJson, List.of("platform", "chat_id", "project_id",
          "workspace_message_id")),
      new Decoder("DirPreset", DirPreset::fromJson, List.of("project_id", "label", "path")),
      new Decoder("Workspace", Workspace::fromJson, List.of("project_id", "workdir", "workdir_source", "backend",
          "settings")),
      new Decoder("Project", Project::fromJson, List.of("project_id", "name", "owner_platform", "owner_user_id",
          "created_at", "updated_at", "runner_id", "workspace", "bindings", "sessions", "presets", "recent_dirs",
          "platform", "chat_id", "backend", "session_id", "path", "workdir")),
      new Decoder("Task", Task::fromJson, List.of("task_id", "project_id", "prompt", "status", "backend", "workdir",
          "origin", "platform", "chat_id", "user_id", "thread_id", "card_message_id", "output", "result", "error",
          "usage", "approval", "runner_id", "session_id", "diff", "created_at", "updated_at", "started_at",
          "finished_at")),
      new Decoder("TaskQuery", TaskQuery::fromJson, List.of("project_id", "statuses", "limit")),
      new Decoder("RawHttpRequest", RawHttpRequest::fromJson, List.of("method", "path", "headers", "body_base64",
          "remote_address")),
      new Decoder("RawHttpResponse", RawHttpResponse::fromJson, List.of("status", "content_type", "body")),
      new Decoder("Reply", Reply::fromJson, List.of("view", "task_id", "toast", "kind", "title", "status", "body",
          "fields", "inputs", "actions", "page", "pages", "refs")),
      new Decoder("ReplyTarget", ReplyTarget::fromJson, List.of("platform", "chat_id", "thread_id")),
      new Decoder("View", View::fromJson, List.of("kind", "title", "status", "body", "fields", "inputs", "actions",
          "page", "pages", "refs", "label", "value", "name", "type", "placeholder", "options", "error", "style",
          "submits_form")));

  record Case(Decoder decoder, JsonObject json) {
    @Override public String toString() { return decoder.name + " " + JsonTrees.preview(json); }
    // identity: hashing a deeply nested JsonObject recurses as deep as it is nested
    @Override public boolean equals(Object o) { return this == o; }
    @Override public int hashCode() { return System.identityHashCode(this); }
  }

  @Provide
  Arbitrary<Case> cases() {
    return Arbitraries.of(DECODERS).flatMap(d -> JsonTrees.objects(d.fields(), 2).map(j -> new Case(d, j)));
  }

  @Property
  void fromJsonAcceptsOrRejectsAsBadInput(@ForAll("cases") Case c) {
    decodes(c.decoder(), c.json());
  }

  /** The same, with every field present: the required ones as strings, so parsing reaches the later fields. */
  @Property
  void fromJsonWithRequiredFieldsPresent(@ForAll("cases") Case c) {
    JsonObject json = c.json().copy();
    for (String field : c.decoder().fields()) {
      if (json.getValue(field) == null) json.put(field, "x");
    }
    decodes(c.decoder(), json);
  }

  // Counterexamples the properties found, kept as plain examples.

  @Example
  void anExplicitNullReadsAsTheDefault() {
    JsonObject msg = new JsonObject().put("platform", "demo").put("chat_id", "c").put("user_id", "u")
        .putNull("trusted").putNull("chat_type");
    assertThat(InboundMessage.fromJson(msg).trusted()).isFalse();
    assertThat(BackendInfo.fromJson(new JsonObject().putNull("ready")).ready()).isFalse();
    assertThat(TaskEvent.fromJson(new JsonObject().put("task_id", "t").put("type", "delta").putNull("seq")).seq())
        .isZero();
    assertThat(Task.fromJson(new JsonObject().put("task_id", "t").putNull("status")).status())
        .isEqualTo(TaskStatus.QUEUED);
  }

  @Example
  void aValueOfTheWrongTypeIsABadRequest() {
    JsonObject intent = new JsonObject().put("platform", "demo").put("user_id", "u").put("intent_key", "home")
        .put("trusted", "yes");
    Throwable thrown = JsonTrees.within(Duration.ofSeconds(5), () -> CardIntent.fromJson(intent));
    // read by Records (databind) now: an IllegalArgumentException naming the field, where getBoolean threw a cast
    assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessage("Field 'trusted' must be true or false");
    assertThat(Bus.code(thrown)).isEqualTo(Failures.BAD_REQUEST);
  }

  @Example
  void aMissingObjectOrANullItemNamesTheField() {
    assertThat(JsonTrees.within(Duration.ofSeconds(5), () -> Reply.fromJson(new JsonObject())))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("missing field 'view'");
    assertThat(JsonTrees.within(Duration.ofSeconds(5), () -> RenderRequest.fromJson(new JsonObject())))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("missing field 'target'");
    JsonObject beat = new JsonObject().put("runner_id", "r").put("task_ids", new JsonArray().addNull());
    assertThat(JsonTrees.within(Duration.ofSeconds(5), () -> Heartbeat.fromJson(beat)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("field 'task_ids' holds a null item");
    JsonObject beat2 = new JsonObject().put("runner_id", "r").put("backends", new JsonArray().addNull());
    assertThat(JsonTrees.within(Duration.ofSeconds(5), () -> Heartbeat.fromJson(beat2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("field 'backends' holds a null item");
  }

  static void decodes(Decoder d, JsonObject json) {
    Throwable thrown = JsonTrees.within(Duration.ofSeconds(5), () -> d.fromJson().apply(json));
    if (thrown == null) return;
    assertThat(thrown).isInstanceOfAny(IllegalArgumentException.class, ClassCastException.class,
        DateTimeException.class);
    assertThat(Bus.code(thrown)).as("the failure code of %s", thrown).isEqualTo(Failures.BAD_REQUEST);
  }
}
