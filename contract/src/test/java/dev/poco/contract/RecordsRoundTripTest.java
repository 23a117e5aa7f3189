package dev.poco.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Example;

/**
 * Every record the contract package holds goes through {@link Records} or is listed with the reason it keeps its
 * hand-written JSON. For the ones through Records: a sample with every field set comes back equal from its own
 * JSON (as an object and as text), and each required field left out or blank, at the top or in a nested record,
 * fails with a 400 whose message names it.
 */
class RecordsRoundTripTest {
  static final List<Class<?>> THROUGH_RECORDS = List.of(AccessEntry.class, AgentSession.class, BackendInfo.class,
      BackendInfo.SettingSpec.class, CardIntent.class, ChatBinding.class, DirPreset.class, FsListing.class,
      FsRequest.class, Heartbeat.class, InboundMessage.class, NodeInfo.class, Project.class, RawHttpResponse.class,
      ReplyTarget.class, StartTask.class, TaskControl.class, TaskEvent.class, TaskQuery.class, Workspace.class);

  static final Map<String, String> HAND_WRITTEN = Map.ofEntries(
      Map.entry("Task", "its origin is a nested object built from four flat fields; output and lengths normalized"),
      Map.entry("View", "views are being reworked elsewhere; nested lists with their own shapes"),
      Map.entry("View$Action", "part of View"),
      Map.entry("View$Field", "part of View"),
      Map.entry("View$Input", "part of View"),
      Map.entry("View$Option", "part of View"),
      Map.entry("RawHttpRequest", "being edited elsewhere"),
      Map.entry("RenderRequest", "validates its target and view by hand"),
      Map.entry("RenderAck", "new gateway contract, kept as the lead wrote it"),
      Map.entry("CardBound", "new gateway contract, kept as the lead wrote it"),
      Map.entry("GatewayReady", "new gateway contract, kept as the lead wrote it"),
      Map.entry("ChatRequest", "validates op and the fields each op needs"),
      Map.entry("ChatReply", "new gateway contract, kept as the lead wrote it"),
      Map.entry("Reply", "validates its placement"));

  @Example
  void everyRecordIsListed() throws IOException, URISyntaxException {
    Path dir = Path.of(Records.class.getProtectionDomain().getCodeSource().getLocation().toURI())
        .resolve("dev/poco/contract");
    List<String> unlisted = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (!name.endsWith(".class")) continue;
        String simple = name.substring(0, name.length() - ".class".length());
        Class<?> type;
        try {
          type = Class.forName("dev.poco.contract." + simple);
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException(e);
        }
        // the wire records are public; a private one is an implementation detail (Records' own)
        if (type.isRecord() && Modifier.isPublic(type.getModifiers()) && !THROUGH_RECORDS.contains(type) && !HAND_WRITTEN.containsKey(simple)) {
          unlisted.add(simple);
        }
      }
    }
    assertThat(unlisted).as("records neither read through Records nor listed as hand-written").isEmpty();
  }

  @Example
  void everyRecordComesBackFromItsJson() {
    for (Class<?> type : THROUGH_RECORDS) {
      Object sample = Samples.full(type);
      JsonObject json = Samples.toJson(sample);
      Object back = Samples.fromJson(type, json);
      assertThat(Samples.canonical(Samples.toJson(back))).as(type.getSimpleName()).isEqualTo(Samples.canonical(json));
      assertThat(back).as(type.getSimpleName()).isEqualTo(sample);
      // as another node reads it: through the text the clustered bus carries
      assertThat(Samples.fromJson(type, new JsonObject(json.encode()))).as(type.getSimpleName()).isEqualTo(sample);
    }
  }

  @Example
  void aMissingOrBlankRequiredFieldIsABadRequestNamingIt() {
    int checked = 0;
    for (Class<?> type : THROUGH_RECORDS) {
      JsonObject full = Samples.toJson(Samples.full(type));
      for (String field : required(type)) {
        JsonObject missing = full.copy();
        missing.remove(field);
        expectRequired(type, missing, field);
        JsonObject nulled = full.copy().putNull(field);
        expectRequired(type, nulled, field);
        if (full.getValue(field) instanceof String) expectRequired(type, full.copy().put(field, " "), field);
        checked++;
      }
      // a required field of a record inside a list
      for (RecordComponent c : type.getRecordComponents()) {
        if (c.getType() != List.class) continue;
        if (!(((ParameterizedType) c.getGenericType()).getActualTypeArguments()[0] instanceof Class<?> item)
            || !item.isRecord()) {
          continue;
        }
        String list = Records.wireName(c);
        for (String field : required(item)) {
          JsonObject json = full.copy();
          JsonArray items = json.getJsonArray(list);
          items.getJsonObject(0).remove(field);
          expectRequired(type, json, list + "[0]." + field);
          checked++;
        }
      }
    }
    assertThat(checked).as("required fields checked").isGreaterThan(20);
  }

  @Example
  void aNullItemOrAValueOfTheWrongTypeNamesTheField() {
    JsonObject beat = Samples.toJson(Samples.full(Heartbeat.class));
    beat.getJsonArray("roots").addNull();
    Throwable thrown = catchThrowable(() -> Heartbeat.fromJson(beat));
    assertThat(thrown).hasMessage("field 'roots' holds a null item");
    assertThat(Bus.code(thrown)).isEqualTo(Failures.BAD_REQUEST);

    JsonObject node = Samples.toJson(Samples.full(NodeInfo.class)).put("cluster_port", "many");
    thrown = catchThrowable(() -> NodeInfo.fromJson(node));
    assertThat(thrown).hasMessage("Field 'cluster_port' must be a number");
    assertThat(Bus.code(thrown)).isEqualTo(Failures.BAD_REQUEST);

    JsonObject entry = Samples.toJson(Samples.full(AccessEntry.class)).put("added_at", "yesterday");
    thrown = catchThrowable(() -> AccessEntry.fromJson(entry));
    assertThat(thrown).hasMessageStartingWith("Field 'added_at' ");
    assertThat(Bus.code(thrown)).isEqualTo(Failures.BAD_REQUEST);

    JsonObject project = Samples.toJson(Samples.full(Project.class));
    project.getJsonObject("workspace").put("settings", "none");
    thrown = catchThrowable(() -> Project.fromJson(project));
    assertThat(thrown).hasMessage("Field 'workspace.settings' must be an object");
    assertThat(Bus.code(thrown)).isEqualTo(Failures.BAD_REQUEST);
  }

  @Example
  void unknownFieldsAreIgnoredAndTimesMayBeMillis() {
    JsonObject json = new JsonObject().put("platform", "demo").put("user_id", "u").put("added_at", 1_000L)
        .put("from_a_newer_node", new JsonObject().put("x", 1));
    assertThat(AccessEntry.fromJson(json)).isEqualTo(new AccessEntry("demo", "u", "user", 1_000L));
  }

  private static List<String> required(Class<?> type) {
    List<String> out = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      JsonProperty p = Records.property(c);
      if (p != null && p.required()) out.add(Records.wireName(c));
    }
    return out;
  }

  private static void expectRequired(Class<?> type, JsonObject json, String field) {
    Throwable thrown = catchThrowable(() -> Samples.fromJson(type, json));
    assertThat(thrown).as("%s without %s", type.getSimpleName(), field)
        .isInstanceOf(IllegalArgumentException.class).hasMessage("Field '" + field + "' is required");
    assertThat(Bus.code(thrown)).isEqualTo(Failures.BAD_REQUEST);
  }
}
