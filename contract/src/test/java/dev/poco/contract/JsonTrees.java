package dev.poco.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generated JSON as an attacker or a mismatched node would send it: objects whose keys are mostly the real
 * field names with values of any type (null, wrong types, huge or odd strings, nesting), plus random keys.
 */
final class JsonTrees {
  private JsonTrees() {}

  /** Strings that matter to parsers: empty, blank, ids, ISO times, numbers, any UTF-16 (lone surrogates too), huge. */
  static Arbitrary<String> strings() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just("")),
        Tuple.of(6, Arbitraries.of(" ", "\t\n", "\u0000", "null", "true", "0", "-1", "1e309", "NaN", "queued",
            "running", "QUEUED", "completed", "dm", "group", "demo", "/run", "2026-12-06T21:00:00Z",
            "2026-13-45T99:99:99Z",
            "9999999999999999999999", "\uFEFF", "İ", "ß", "\uD800", "../../etc/passwd", "{\"a\":1}")),
        Tuple.of(6, Arbitraries.strings().alpha().numeric().ofMaxLength(12)),
        Tuple.of(6, Arbitraries.strings().all().ofMaxLength(40)),
        Tuple.of(1, Combinators.combine(Arbitraries.strings().all().ofMinLength(1).ofMaxLength(8),
            Arbitraries.integers().between(10_000, 200_000)).as((s, n) -> s.repeat(n / s.length()))));
  }

  /** Any JSON value, objects and arrays nested up to {@code depth}, their keys drawn from {@code keys} or random. */
  static Arbitrary<Object> values(List<String> keys, int depth) {
    Arbitrary<Object> scalars = Arbitraries.oneOf(
        Arbitraries.just(null),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0d, Long.MIN_VALUE, (long) Integer.MAX_VALUE + 1),
        strings().map(s -> (Object) s));
    if (depth <= 0) return scalars;
    return Arbitraries.frequencyOf(
        Tuple.of(6, scalars),
        Tuple.of(1, Arbitraries.lazy(() -> arrays(keys, depth - 1)).map(a -> (Object) a)),
        Tuple.of(1, Arbitraries.lazy(() -> objects(keys, depth - 1)).map(o -> (Object) o)),
        Tuple.of(1, deep().map(o -> (Object) o)));
  }

  static Arbitrary<JsonObject> objects(List<String> keys, int depth) {
    Arbitrary<String> key = Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.of(keys)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(8)));
    return Arbitraries.maps(key, values(keys, depth)).ofMaxSize(keys.size() + 3)
        .map(map -> {
          JsonObject o = new JsonObject();
          map.forEach(o::put);
          return o;
        });
  }

  static Arbitrary<JsonArray> arrays(List<String> keys, int depth) {
    return values(keys, depth).list().ofMaxSize(5).map(JsonArray::new);
  }

  private static final ExecutorService GUARD = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fuzz-guard");
    t.setDaemon(true);
    return t;
  });

  /**
   * Runs {@code parse} on another thread and answers what it threw (null when it returned), failing the try
   * when it runs past {@code limit}: a parser that loops forever must fail the property, not hang the build.
   */
  static Throwable within(Duration limit, Callable<?> parse) {
    Future<?> f = GUARD.submit(parse);
    try {
      f.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new AssertionError("the parser did not return within " + limit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The JSON for a report, cut to a readable length. */
  static String preview(Object json) {
    String s;
    try {
      s = io.vertx.core.json.Json.encode(json);
    } catch (RuntimeException tooDeep) {
      s = "(" + tooDeep.getMessage() + ")";
    }
    return s.length() > 2_000 ? s.substring(0, 2_000) + "… (" + s.length() + " chars)" : s;
  }

  /**
   * An object or array nested a few hundred levels. The HTTP edge's own test sends deeper bodies; here the
   * records only read the top level, and copying or hashing recurses (tests run with -Xss512k).
   */
  static Arbitrary<Object> deep() {
    return Arbitraries.integers().between(50, 300).map(n -> {
      Object v = "x";
      for (int i = 0; i < n; i++) v = i % 2 == 0 ? new JsonObject().put("value", v) : new JsonArray().add(v);
      return v;
    });
  }
}
