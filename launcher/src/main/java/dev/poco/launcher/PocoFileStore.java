package dev.poco.launcher;

import io.vertx.config.spi.ConfigStore;
import io.vertx.config.spi.ConfigStoreFactory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vertx-config store of type {@value #TYPE}: $POCO_HOME/poco.config.json read as the CLI reads it (missing is
 * empty). A file others may read or write, or bad JSON, keeps the last good content: PoCo's sentence is logged
 * once per problem, instead of the retriever's stack trace at every scan. Configured with {"path": file};
 * registered in META-INF/services.
 */
public final class PocoFileStore implements ConfigStore {
  static final String TYPE = "poco-file";

  private static final Logger log = LoggerFactory.getLogger(PocoFileStore.class);

  private final Vertx vertx;
  private final Path file;
  private Buffer lastGood;
  private String lastProblem;

  PocoFileStore(Vertx vertx, Path file) {
    this.vertx = vertx;
    this.file = file;
  }

  @Override
  public Future<Buffer> get() {
    return vertx.executeBlocking(this::read, false);
  }

  private synchronized Buffer read() {
    try {
      lastGood = PocoConfig.readOwnerOnly(file).toBuffer();
      lastProblem = null;
    } catch (ConfigException e) {
      if (lastGood == null) throw e;
      if (!e.getMessage().equals(lastProblem)) log.warn("{}; keeping the configuration read before", e.getMessage());
      lastProblem = e.getMessage();
    }
    return lastGood;
  }

  @Override
  public Future<Void> close() { return Future.succeededFuture(); }

  /** Found by vertx-config through ServiceLoader. */
  public static final class Factory implements ConfigStoreFactory {
    @Override
    public String name() { return TYPE; }

    @Override
    public ConfigStore create(Vertx vertx, JsonObject configuration) {
      return new PocoFileStore(vertx, Path.of(configuration.getString("path")));
    }
  }
}
