package dev.poco.testkit.fakes;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A modal opened with {@code views.open} (slack.md §3, §4), with every view it showed: the opened one, then each
 * {@code response_action} update or push. Guarded by {@link FakeSlack#LOCK}.
 */
public final class SlackView {
  public final String id;
  public final String userId;
  final List<JsonObject> versions = new ArrayList<>();
  boolean closed;
  /** The last {@code response_action:errors} map shown on the modal, or null. */
  JsonObject errors;

  SlackView(String id, String userId, JsonObject view) {
    this.id = id;
    this.userId = userId;
    versions.add(view);
  }

  /** The view shown now. */
  public JsonObject view() {
    synchronized (FakeSlack.LOCK) { return versions.get(versions.size() - 1).copy(); }
  }

  public List<JsonObject> history() {
    synchronized (FakeSlack.LOCK) { return versions.stream().map(JsonObject::copy).toList(); }
  }

  public boolean closed() {
    synchronized (FakeSlack.LOCK) { return closed; }
  }

  /** The field errors the modal shows (block_id → message), or null. */
  public JsonObject errors() {
    synchronized (FakeSlack.LOCK) { return errors == null ? null : errors.copy(); }
  }

  public String callbackId() { return view().getString("callback_id"); }
}
