package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.VertxModule;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The records' JSON codec: one jackson-databind mapper set for the wire, instead of a hand-written pair per record.
 *
 * <ul>
 *   <li>names are snake_case ({@code chatId} is {@code chat_id}); {@link JsonProperty} names the odd one</li>
 *   <li>nulls are not written, unless a record says otherwise with {@link JsonInclude}</li>
 *   <li>unknown fields are ignored: a newer node may send more</li>
 *   <li>{@link JsonObject} and {@link JsonArray} fields are carried as they are (Vert.x's {@link VertxModule})</li>
 *   <li>an absent or null number or boolean reads as 0 or false; an absent or null field with
 *       {@code @JsonProperty(defaultValue = ...)} reads as that value, one with
 *       {@code @JsonSetter(nulls = Nulls.AS_EMPTY)} as ""</li>
 *   <li>a field with {@code @JsonProperty(required = true)} must be there: a string not blank, anything else not null</li>
 *   <li>epoch-millis times marked {@link IsoTime} travel as ISO-8601 strings</li>
 * </ul>
 *
 * A body that does not fit throws {@link IllegalArgumentException} naming the field ("Field 'user_id' is required"),
 * which {@link Bus#code} answers with {@link Failures#BAD_REQUEST}.
 */
public final class Records {
  private Records() {}

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      // null properties are left out, but a null inside a JsonObject value (a payload) is carried as it is
      .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS))
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      // a number where a string belongs, or "true" where a boolean does, is the sender's mistake, as before
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .addModule(new VertxModule())
      .build();

  /** The record as a JsonObject, nested objects and arrays as JsonObject and JsonArray. */
  public static JsonObject toJson(Object record) {
    return (JsonObject) vertx(MAPPER.valueToTree(record));
  }

  /**
   * The record {@code type} read from {@code json}.
   *
   * @throws IllegalArgumentException naming the field when one is missing, null where it is required, or of the
   *     wrong type
   */
  public static <T> T fromJson(JsonObject json, Class<T> type) {
    JsonObject checked = checked(json, type, "");
    try (TokenBuffer buf = new TokenBuffer(MAPPER, false)) {
      MAPPER.writeValue(buf, checked);
      try (JsonParser p = buf.asParser()) {
        return MAPPER.readValue(p, type);
      }
    } catch (JacksonException e) {
      throw new IllegalArgumentException(message(e), e);
    } catch (IOException e) {
      throw new IllegalStateException(e); // a token buffer does no I/O
    }
  }

  /** The field's name on the wire. */
  static String wireName(RecordComponent c) {
    JsonProperty p = property(c);
    if (p != null && !p.value().isEmpty()) return p.value();
    return NAMES.computeIfAbsent(c.getName(), SNAKE::translate);
  }

  private static final PropertyNamingStrategies.SnakeCaseStrategy SNAKE =
      (PropertyNamingStrategies.SnakeCaseStrategy) PropertyNamingStrategies.SNAKE_CASE;
  private static final Map<String, String> NAMES = new ConcurrentHashMap<>();

  /** The component's @JsonProperty (a record component's annotation lands on its accessor). */
  static JsonProperty property(RecordComponent c) {
    return c.getAccessor().getAnnotation(JsonProperty.class);
  }

  /** What {@link #checked} needs of one record component, found once per class: reflection is slow. */
  private record Slot(String name, Class<?> type, boolean required, Object fallback, Class<?> itemType) {}

  private static final ClassValue<Slot[]> SLOTS = new ClassValue<>() {
    @Override
    protected Slot[] computeValue(Class<?> type) {
      RecordComponent[] cs = type.getRecordComponents();
      Slot[] out = new Slot[cs.length];
      for (int i = 0; i < cs.length; i++) {
        RecordComponent c = cs[i];
        JsonProperty p = property(c);
        Object fallback = null;
        if (p != null && !p.defaultValue().isEmpty()) fallback = defaultValue(p.defaultValue(), c.getType());
        else if (emptyWhenNull(c)) fallback = defaultValue(c.getType() == String.class ? "" : "{}", c.getType());
        Class<?> item = null;
        if (c.getType() == List.class && c.getGenericType() instanceof ParameterizedType pt
            && pt.getActualTypeArguments()[0] instanceof Class<?> k) {
          item = k;
        }
        out[i] = new Slot(wireName(c), c.getType(), p != null && p.required(), fallback, item);
      }
      return out;
    }
  };

  /**
   * Checks required fields and fills defaults before databind reads the body, nested records and lists of records
   * included: databind would take a blank string for a required one, and knows no defaults for records.
   * Returns {@code json} itself when nothing was filled in, else a copy.
   */
  private static JsonObject checked(JsonObject json, Class<?> type, String path) {
    JsonObject out = json;
    for (Slot s : SLOTS.get(type)) {
      Object v = json.getValue(s.name);
      Object replaced = v;
      if (v == null || (s.type == String.class && v instanceof String text && text.isBlank())) {
        if (s.required) throw new IllegalArgumentException("Field '" + path + s.name + "' is required");
        if (v == null && s.fallback != null) replaced = s.fallback instanceof JsonObject o ? o.copy() : s.fallback;
      } else if (s.required && s.type == String.class && !(v instanceof String)) {
        throw new IllegalArgumentException("Field '" + path + s.name + "' is required, as a string");
      } else if (s.type.isRecord() && v instanceof JsonObject o) {
        replaced = checked(o, s.type, path + s.name + ".");
      } else if (s.itemType != null && v instanceof JsonArray a) {
        replaced = checkedItems(a, s.itemType, path + s.name);
      }
      if (replaced != v) {
        if (out == json) out = json.copy();
        out.put(s.name, replaced);
      }
    }
    return out;
  }

  /** No null items in a list (a list holds no nulls), and records in it checked as above. */
  private static JsonArray checkedItems(JsonArray a, Class<?> itemType, String field) {
    JsonArray out = a;
    for (int i = 0; i < a.size(); i++) {
      Object v = a.getValue(i);
      if (v == null) throw new IllegalArgumentException("field '" + field + "' holds a null item");
      if (itemType.isRecord() && v instanceof JsonObject o) {
        JsonObject c = checked(o, itemType, field + "[" + i + "].");
        if (c != o) {
          if (out == a) out = a.copy();
          out.set(i, c);
        }
      }
    }
    return out;
  }

  /** {@code @JsonSetter(nulls = Nulls.AS_EMPTY)}: the default is "" (an annotation cannot tell "" from no default). */
  private static boolean emptyWhenNull(RecordComponent c) {
    JsonSetter s = c.getAccessor().getAnnotation(JsonSetter.class);
    return s != null && s.nulls() == Nulls.AS_EMPTY;
  }

  private static Object defaultValue(String text, Class<?> type) {
    if (type == String.class) return text;
    if (type == int.class || type == Integer.class) return Integer.parseInt(text);
    if (type == long.class || type == Long.class) return Long.parseLong(text);
    if (type == boolean.class || type == Boolean.class) return Boolean.parseBoolean(text);
    if (type == JsonObject.class) return new JsonObject(text);
    if (type == JsonArray.class) return new JsonArray(text);
    if (type.isEnum()) return text; // read through the enum's own @JsonCreator
    throw new IllegalStateException("no default of type " + type.getSimpleName());
  }

  /** A sentence naming the field, from databind's failure. */
  private static String message(JacksonException e) {
    String field = e instanceof JsonMappingException m ? path(m) : "";
    if (field.isEmpty()) return "Unreadable body: " + e.getOriginalMessage();
    Throwable cause = e.getCause();
    if (cause instanceof IllegalArgumentException || cause instanceof DateTimeException) {
      return "Field '" + field + "' is invalid: " + cause.getMessage();
    }
    if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
      return "Field '" + field + "' must be " + kind(mi.getTargetType());
    }
    return "Field '" + field + "' is invalid: " + e.getOriginalMessage();
  }

  private static String path(JsonMappingException e) {
    StringBuilder out = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (out.length() > 0) out.append('.');
        out.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        out.append('[').append(r.getIndex()).append(']');
      }
    }
    return out.toString();
  }

  private static String kind(Class<?> t) {
    if (t == String.class) return "a string";
    if (t == boolean.class || t == Boolean.class) return "true or false";
    if (t.isPrimitive() || Number.class.isAssignableFrom(t)) return "a number";
    if (List.class.isAssignableFrom(t) || t == JsonArray.class || t.isArray()) return "an array";
    if (t.isEnum()) return "one of its names";
    return "an object";
  }

  /** A databind tree as Vert.x values: objects as JsonObject, arrays as JsonArray, numbers as their own type. */
  private static Object vertx(JsonNode n) {
    switch (n.getNodeType()) {
      case OBJECT: {
        JsonObject o = new JsonObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          o.put(e.getKey(), vertx(e.getValue()));
        }
        return o;
      }
      case ARRAY: {
        JsonArray a = new JsonArray();
        for (JsonNode item : n) a.add(vertx(item));
        return a;
      }
      case STRING: return n.textValue();
      case NUMBER: return n.numberValue();
      case BOOLEAN: return n.booleanValue();
      case BINARY:
        try {
          return n.binaryValue();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      case POJO: return ((POJONode) n).getPojo();
      default: return null;
    }
  }

  /** Epoch millis as ISO-8601 on the wire; 0 (unset) as null. */
  static final class IsoTimeWriter extends JsonSerializer<Long> {
    @Override
    public void serialize(Long value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      if (value == null || value == 0) gen.writeNull();
      else gen.writeString(Instant.ofEpochMilli(value).toString());
    }
  }

  /** ISO-8601, or a number of epoch millis, to epoch millis; null or absent is 0. */
  static final class IsoTimeReader extends JsonDeserializer<Long> {
    @Override
    public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) return p.getLongValue();
      if (t == JsonToken.VALUE_STRING) {
        String text = p.getText();
        try {
          return Instant.parse(text).toEpochMilli();
        } catch (DateTimeException e) {
          throw JsonMappingException.from(p, "not an ISO-8601 time: " + text, e);
        }
      }
      return (Long) ctxt.handleUnexpectedToken(long.class, p);
    }

    @Override
    public Long getNullValue(DeserializationContext ctxt) { return 0L; }
  }
}
