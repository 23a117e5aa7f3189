package dev.poco.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Example;

/**
 * The wire the store and the HTTP clients read, pinned: for each record, the JSON of a sample with every field set,
 * of a sample with every field empty, of what fromJson makes of the required fields alone (the defaults), and which
 * top-level fields fromJson requires. The golden files were written by the hand-written toJson/fromJson pairs
 * before the records moved to {@link Records}; run with {@code -Dgolden.write=true} to write them again.
 */
class WireGoldenTest {
  static final List<Class<?>> RECORDS = List.of(AccessEntry.class, AgentSession.class, BackendInfo.class,
      BackendInfo.SettingSpec.class, CardIntent.class, ChatBinding.class, DirPreset.class, FsListing.class,
      FsRequest.class, Heartbeat.class, InboundMessage.class, NodeInfo.class, Project.class, RawHttpResponse.class,
      ReplyTarget.class, StartTask.class, Task.class, TaskControl.class, TaskEvent.class, TaskQuery.class,
      Workspace.class);

  static final Path DIR = Path.of("src/test/resources/golden");

  static JsonObject wire(Class<?> type) {
    JsonObject full = Samples.toJson(Samples.full(type));
    JsonArray required = new JsonArray();
    JsonObject requiredOnly = new JsonObject();
    for (String field : full.fieldNames()) {
      JsonObject without = full.copy();
      without.remove(field);
      try {
        Samples.fromJson(type, without);
      } catch (IllegalArgumentException e) {
        required.add(field);
        requiredOnly.put(field, full.getValue(field));
      }
    }
    return new JsonObject().put("full", full).put("empty", Samples.toJson(Samples.empty(type)))
        .put("required", required).put("defaults", Samples.toJson(Samples.fromJson(type, requiredOnly)));
  }

  static String fileName(Class<?> type) { return type.getName().substring(type.getPackageName().length() + 1) + ".json"; }

  @Example
  void everyRecordWritesTheWireItWroteBefore() throws IOException {
    List<String> differ = new ArrayList<>();
    for (Class<?> type : RECORDS) {
      JsonObject now = wire(type);
      Path file = DIR.resolve(fileName(type));
      if (Boolean.getBoolean("golden.write")) {
        Files.writeString(file, now.encodePrettily() + "\n", StandardCharsets.UTF_8);
        continue;
      }
      JsonObject golden = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      if (!Samples.canonical(golden).equals(Samples.canonical(now))) {
        differ.add(type.getSimpleName() + "\n  golden " + Samples.canonical(golden) + "\n  now    "
            + Samples.canonical(now));
      }
    }
    assertThat(differ).as("records whose wire changed").isEmpty();
  }
}
