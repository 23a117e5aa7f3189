package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.poco.contract.ConfigKeys;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

@DisplayName("docker-compose.yml is a valid Compose file with one scalable service per role")
class ComposeFileTest {
  private static final Path COMPOSE = Path.of("..", "docker-compose.yml");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CREDENTIALS = "credentials";

  @Test
  @DisplayName("passes the Compose Specification's JSON schema")
  void schemaValid() throws IOException {
    assertThat(schema().validate(compose(Files.readString(COMPOSE)))).isEmpty();
  }

  @Test
  @DisplayName("the schema check is real: a misspelt key and a wrong type are reported")
  void schemaRejects() throws IOException {
    String bad = Files.readString(COMPOSE).replace(
        "    command: [start, --foreground, --cluster, --only, store, --join, /bundles/store/store.join]",
        "    comand: [start]\n    ports: 8000");
    Set<ValidationMessage> errors = schema().validate(compose(bad));
    assertThat(errors).extracting(ValidationMessage::getMessage)
        .anyMatch(m -> m.contains("comand")).anyMatch(m -> m.contains("ports"));
  }

  @Test
  @DisplayName("every role runs from one image, chosen by --only; runners scale; state sits on named volumes")
  void shape() throws IOException {
    JsonNode doc = compose(Files.readString(COMPOSE));
    JsonNode services = doc.get("services");
    List<String> roles = List.of(Poco.STORE, Poco.ORCHESTRATOR, Poco.AGENT_RUNNER, Poco.DEMO_API);
    assertThat(services.fieldNames()).toIterable().containsExactlyInAnyOrderElementsOf(
        java.util.stream.Stream.concat(roles.stream(), java.util.stream.Stream.of(CREDENTIALS)).toList());
    String image = services.get(Poco.STORE).get("image").asText();
    for (String role : roles) {
      JsonNode s = services.get(role);
      assertThat(s.get("image").asText()).as(role).isEqualTo(image);
      assertThat(JSON.convertValue(s.get("command"), List.class)).as(role)
          .containsSubsequence("start", "--foreground", "--cluster", "--only", role);
      assertThat(s.get("environment").get("POCO_CLUSTER_MEMBERS").asText()).as(role).isNotBlank();
    }
    JsonNode runner = services.get(Poco.AGENT_RUNNER);
    // --scale needs replicas that do not fight over a name, a host port or an advertised address.
    assertThat(runner.has("container_name")).isFalse();
    assertThat(runner.has("ports")).isFalse();
    // each replica advertises its own container name, resolved to its address at start
    assertThat(runner.get("environment").get("POCO_CLUSTER_HOST").asText()).isEqualTo(ClusterAddresses.HOSTNAME);
    assertThat(volumeSources(runner)).contains("agent-state");
    assertThat(volumeSources(services.get(Poco.STORE))).contains("poco-db");
    assertThat(services.get(Poco.STORE).get("environment").get("POCO_STATE_DB_PATH").asText())
        .startsWith("/var/lib/poco/");
    assertThat(doc.get("volumes").fieldNames()).toIterable().contains("poco-db", "agent-state");
    assertThat(services.get(Poco.DEMO_API).get("healthcheck").get("test").toString()).contains("status");
  }

  @Test
  @DisplayName("runs under Debian's docker-compose 1.29 too (no top-level name:), every node carries the same seed"
      + " list, each seed advertises the name it is listed under, and the edge asks for a token from the environment")
  void portable() throws IOException {
    JsonNode doc = compose(Files.readString(COMPOSE));
    assertThat(doc.has("name")).as("1.29 refuses a top-level name: (Compose v2 only)").isFalse();
    JsonNode services = doc.get("services");
    String seeds = services.get(Poco.STORE).get("environment").get("POCO_CLUSTER_MEMBERS").asText();
    services.fields().forEachRemaining(e -> assertThat(e.getValue().get("environment").get("POCO_CLUSTER_MEMBERS")
        .asText()).as(e.getKey()).isEqualTo(seeds));
    for (String seed : seeds.split(",")) {
      JsonNode s = services.get(seed);
      assertThat(s).as(seed).isNotNull();
      assertThat(s.get("hostname").asText()).isEqualTo(seed);
      assertThat(s.get("environment").get("POCO_CLUSTER_HOST").asText()).isEqualTo(seed);
    }
    JsonNode edge = services.get(Poco.DEMO_API).get("environment");
    assertThat(edge.get("POCO_HTTP_HOST").asText()).isEqualTo("0.0.0.0");
    assertThat(edge.get("POCO_HTTP_TOKEN").asText()).startsWith("${POCO_HTTP_TOKEN:?");
  }

  @Test
  @DisplayName("credentials come from volumes, not plain mode: the one-shot credentials service alone mounts the CA;"
      + " each node waits for it, mounts its own bundle read-only, nothing else's, and joins with it")
  void credentialsFromVolumes() throws IOException {
    String text = Files.readString(COMPOSE);
    assertThat(text).doesNotContain(ConfigKeys.CLUSTER_INSECURE);
    JsonNode services = compose(text).get("services");
    JsonNode maker = services.get(CREDENTIALS);
    assertThat(maker.get("restart").asText()).isEqualTo("no");
    List<String> command = JSON.convertValue(maker.get("command"), List.class);
    assertThat(command.subList(0, 3)).containsExactly("cluster", "bundles", "/bundles");
    String caHome = maker.get("environment").get(ConfigKeys.HOME).asText();
    assertThat(volumes(maker)).contains("cluster-ca:" + caHome);
    // node (certificate name) → service that runs it
    java.util.Map<String, String> nodes = new java.util.LinkedHashMap<>();
    for (String spec : command.subList(3, command.size())) {
      String node = spec.substring(0, spec.indexOf(':'));
      String service = node.equals("runners") ? Poco.AGENT_RUNNER : node;
      assertThat(spec.substring(spec.indexOf(':') + 1)).as(spec).isEqualTo(service);
      nodes.put(node, service);
    }
    assertThat(nodes.values()).containsExactlyInAnyOrder(Poco.STORE, Poco.ORCHESTRATOR, Poco.DEMO_API,
        Poco.AGENT_RUNNER);
    nodes.forEach((node, name) -> {
      JsonNode s = services.get(name);
      String mount = node + "-bundle:/bundles/" + node;
      assertThat(volumes(maker)).as(name).contains(mount);
      assertThat(volumes(s)).as(name).contains(mount + ":ro");
      assertThat(volumes(s).stream().filter(v -> v.contains("bundle") || v.startsWith("cluster-ca")))
          .as(name + " sees no other key").containsExactly(mount + ":ro");
      assertThat(JSON.convertValue(s.get("command"), List.class)).as(name)
          .containsSubsequence("--join", "/bundles/" + node + "/" + node + ".join");
      assertThat(s.get("depends_on").get(CREDENTIALS).get("condition").asText()).as(name)
          .isEqualTo("service_completed_successfully");
    });
    assertThat(services.get(Poco.AGENT_RUNNER).get("environment").get(ConfigKeys.RUNNER_ID).asText())
        .isEqualTo("runners." + RunnerIds.HOSTNAME);
  }

  private static List<String> volumes(JsonNode service) {
    return JSON.convertValue(service.get("volumes"), List.class).stream().map(Object::toString).toList();
  }

  private static List<String> volumeSources(JsonNode service) {
    return JSON.convertValue(service.get("volumes"), List.class).stream()
        .map(v -> v.toString().split(":")[0]).toList();
  }

  /** SnakeYAML rather than Jackson's YAML reader: only SnakeYAML applies the merge keys (<<) the file uses. */
  private static JsonNode compose(String yaml) {
    Object tree = new Yaml().load(yaml);
    return JSON.valueToTree(tree);
  }

  /** Loaded by location, not as a tree: the schema's relative $id needs a base to resolve against. */
  private static JsonSchema schema() {
    return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
        .getSchema(SchemaLocation.of("classpath:compose-spec/compose.schema.json"));
  }
}
