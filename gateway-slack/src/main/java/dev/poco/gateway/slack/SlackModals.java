package dev.poco.gateway.slack;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.CardIntent;
import dev.poco.contract.Placement;
import dev.poco.contract.Platforms;
import dev.poco.contract.Reply;
import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import dev.poco.gatewaykit.DebugRing;
import dev.poco.gatewaykit.LateReply;
import dev.poco.gatewaykit.Markdown;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Forms as modals (issue 12; slack.md §3, §4). A click whose reply is a form (a view with inputs and a submitting
 * button: New project, the working-dir chooser, agent settings; not the workspace card, whose prompt box belongs in
 * its channel) opens that form with {@code views.open} and the click's {@code trigger_id} (about 3 s, single use);
 * the clicked message stays as it was. The modal's submit is the form's first submitting action, its other buttons
 * stay buttons inside it, and its {@code private_metadata} ({@link Origin}) carries what the CardIntent needs: the
 * submit's button value and the channel, message, thread and response_url of the click that opened it. When the
 * trigger is gone or {@code views.open} refuses, the form goes into the message as before.
 *
 * <p>A {@code view_submission} becomes the CardIntent the message form would have given (same intent, same field
 * values) and is answered within the 3-second rule: a field error as {@code response_action: errors} on its input
 * block, another form (or a refusal) as {@code update}, anything else as {@code clear} with the reply shown in the
 * conversation as its placement says (REPLACE: the message the form was opened from). A click inside a modal shows a
 * REPLACE reply in the modal ({@code views.update}), a toast as a short notice there, NEW and EPHEMERAL in the
 * conversation.
 */
final class SlackModals {
  static final String CALLBACK_ID = "poco.form";
  /** A trigger lives about 3 s from the click (slack.md §3): after this long views.open is not tried. */
  static final long TRIGGER_BUDGET_MS = 2_500;
  /** Modal title, submit and close texts (Slack's limit). */
  static final int TITLE_MAX_CHARS = 24;
  /** Slack's limit on a view's private_metadata. */
  static final int METADATA_MAX_CHARS = 3_000;
  private static final Reply LATE = Reply.of(View.notice("", ""));

  /**
   * What a modal carries in its private_metadata to build its CardIntents and to place replies.
   *
   * @param value the submit's button value as {@link ButtonValues} encodes it (a reference when long), or null
   * @param openedAs the placement the form's reply had when the modal opened instead (REPLACE or NEW): a later
   *     REPLACE of the conversation goes to the clicked message only when the form was to replace it
   */
  record Origin(String value, String channel, String messageTs, String threadTs, boolean ephemeral,
      String responseUrl, String openedAs) {
    static Origin of(SlackEvents.Interaction a, String openedAs) {
      return new Origin(null, a.channelId(), a.messageTs(), a.threadTs(), a.ephemeral(), a.responseUrl(), openedAs);
    }

    Origin withValue(String v) { return new Origin(v, channel, messageTs, threadTs, ephemeral, responseUrl, openedAs); }

    Origin withoutResponseUrl() { return new Origin(value, channel, messageTs, threadTs, ephemeral, null, openedAs); }

    String encode() {
      JsonObject j = new JsonObject();
      put(j, "v", value);
      put(j, "c", channel);
      put(j, "m", messageTs);
      put(j, "t", threadTs);
      if (ephemeral) j.put("e", true);
      put(j, "u", responseUrl);
      put(j, "p", openedAs);
      return j.encode();
    }

    /** The origin in a view's private_metadata, or null when it is not PoCo's. */
    static Origin decode(String metadata) {
      try {
        JsonObject j = new JsonObject(metadata);
        return new Origin(j.getString("v"), j.getString("c"), j.getString("m"), j.getString("t"),
            j.getBoolean("e", false), j.getString("u"), j.getString("p", Placement.REPLACE));
      } catch (RuntimeException e) {
        return null;
      }
    }

    private static void put(JsonObject j, String k, String v) {
      if (v != null) j.put(k, v);
    }
  }

  private final Vertx vertx;
  private final SlackApi api;
  private final ButtonValues values;
  private final DebugRing debug;
  /** Shows a reply in the conversation as a click's reply ({@link SlackIntake#applyToInteraction}). */
  private final BiFunction<SlackEvents.Interaction, Reply, Future<?>> conversation;
  private final long answerMs;

  SlackModals(Vertx vertx, SlackApi api, ButtonValues values, DebugRing debug,
      BiFunction<SlackEvents.Interaction, Reply, Future<?>> conversation, long answerMs) {
    this.vertx = vertx;
    this.api = api;
    this.values = values;
    this.debug = debug;
    this.conversation = conversation;
    this.answerMs = answerMs;
  }

  /** A form worth a modal: inputs and a button that submits them; the workspace card keeps its prompt box in place. */
  static boolean wantsModal(View v) {
    return v != null && !v.inputs().isEmpty() && submitIndex(v) >= 0 && !ViewKinds.WORKSPACE.equals(v.kind());
  }

  /** The modal's submit: the view's first action that submits the form, -1 for none. */
  static int submitIndex(View v) {
    for (int i = 0; i < v.actions().size(); i++) {
      if (v.actions().get(i).submitsForm()) return i;
    }
    return -1;
  }

  /** Whether an interaction payload is about a PoCo modal: its submission, or a click inside it. */
  static boolean fromModal(JsonObject payload) {
    JsonObject view = payload.getJsonObject("view");
    return view != null && CALLBACK_ID.equals(view.getString("callback_id"));
  }

  /**
   * The modal for {@code v}: its first submitting action as the submit, its other buttons inside; null when what
   * the modal must carry does not fit private_metadata even without the response_url.
   */
  JsonObject modal(View v, Origin origin) {
    int submit = submitIndex(v);
    Origin o = origin.withValue(submit < 0 ? null : values.encode(v.actions().get(submit).value()));
    String meta = o.encode();
    if (meta.length() > METADATA_MAX_CHARS) meta = o.withoutResponseUrl().encode();
    if (meta.length() > METADATA_MAX_CHARS) return null;
    String title = SlackBlocks.titleLine(v);
    boolean titleFits = !title.isEmpty() && title.length() <= TITLE_MAX_CHARS;
    JsonArray blocks = SlackBlocks.blocks(v, values, submit, SlackBlocks.MODAL_MAX_BLOCKS);
    // the header repeats a title that the modal's own title shows whole
    if (titleFits && !blocks.isEmpty() && "header".equals(blocks.getJsonObject(0).getString("type"))) blocks.remove(0);
    if (blocks.isEmpty()) blocks.add(SlackBlocks.section(" "));
    JsonObject m = new JsonObject().put("type", "modal").put("callback_id", CALLBACK_ID)
        .put("title", SlackBlocks.plain(title.isEmpty() ? "PoCo" : title, TITLE_MAX_CHARS))
        .put("close", SlackBlocks.plain(submit < 0 ? "Close" : "Cancel", TITLE_MAX_CHARS))
        .put("private_metadata", meta).put("blocks", blocks);
    if (submit >= 0) m.put("submit", SlackBlocks.plain(v.actions().get(submit).label(), TITLE_MAX_CHARS));
    return m;
  }

  /**
   * Opens a click's reply as a modal when it is a form placed over the clicked message or in a new one, the click's
   * trigger is still young and views.open takes it; completes false when the reply is for the conversation instead.
   *
   * @param clickedAtMs when the click arrived (its trigger was issued just before)
   */
  Future<Boolean> open(SlackEvents.Interaction a, Reply reply, long clickedAtMs) {
    String placement = reply.placement() == null ? Placement.REPLACE : reply.placement();
    if (reply.duplicate() || reply.isRefusal() || !wantsModal(reply.view()) || a.triggerId() == null
        || !(Placement.REPLACE.equals(placement) || Placement.NEW.equals(placement))) {
      return Future.succeededFuture(false);
    }
    String requestId = a.intent().requestId();
    long age = System.currentTimeMillis() - clickedAtMs;
    if (age > TRIGGER_BUDGET_MS) {
      note(requestId, "trigger too old (" + age + " ms): the form goes into the message");
      return Future.succeededFuture(false);
    }
    JsonObject modal = modal(reply.view(), Origin.of(a, placement));
    if (modal == null) {
      note(requestId, "private_metadata too long: the form goes into the message");
      return Future.succeededFuture(false);
    }
    return api.openView(a.triggerId(), modal)
        .map(view -> {
          debug.add(DebugRing.REPLY, new JsonObject().put("id", requestId).put("placement", placement)
              .put("target", "modal:" + view.getString("id")));
          return true;
        })
        .otherwise(err -> {
          note(requestId, "views.open: " + err.getMessage() + ": the form goes into the message");
          return false;
        });
  }

  // ---- submissions ----

  /**
   * A {@code view_submission} of a PoCo modal: the CardIntent goes to the orchestrator, and the answer for Slack
   * (the HTTP body, or the Socket Mode ack's payload) completes within {@code answerMs}: errors, update or clear. A
   * reply later than that is shown in the conversation (the modal has closed).
   */
  Future<JsonObject> submission(JsonObject payload, JsonObject delivery) {
    JsonObject view = payload.getJsonObject("view", new JsonObject());
    Origin origin = Origin.decode(view.getString("private_metadata", ""));
    JsonObject value = origin == null || origin.value() == null ? null : decodeValue(origin.value());
    if (value == null || value.getString("intent_key") == null) {
      debug.add(DebugRing.INBOUND, delivery.copy().put("ignored", "a modal submission without PoCo's metadata"));
      return Future.succeededFuture(clear());
    }
    SlackEvents.Interaction a = interaction(payload, view, origin, value);
    debug.add(DebugRing.INBOUND, delivery.copy().put("type", "view_submission")
        .put("intent_key", a.intent().intentKey()).put("request_id", a.intent().requestId()));
    Future<Reply> asked = Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_INTENT, a.intent().toJson(),
        Bus.EDGE_TIMEOUT_MS).map(Reply::fromJson);
    String requestId = a.intent().requestId();
    return LateReply.answerWithin(vertx, asked, answerMs, LATE,
            late -> {
              note(requestId, "late submission reply: shown in the conversation");
              inConversation(a, origin, late);
            },
            err -> note(requestId, "orchestrator (late): " + err.getMessage()))
        .map(r -> r == LATE ? clear() : answer(a, origin, view, r))
        .recover(err -> {
          note(requestId, "orchestrator: " + err.getMessage());
          String why = "PoCo could not do this: " + Markdown.truncateChars(String.valueOf(err.getMessage()), 200);
          String block = firstInputBlock(view);
          return Future.succeededFuture(block == null ? clear()
              : new JsonObject().put("response_action", "errors").put("errors", new JsonObject().put(block, why)));
        });
  }

  /** Slack's answer to a submission for the orchestrator's reply {@code r}. */
  private JsonObject answer(SlackEvents.Interaction a, Origin origin, JsonObject submitted, Reply r) {
    String requestId = a.intent().requestId();
    if (r.duplicate()) return clear();
    JsonObject errors = fieldErrors(r.view(), inputBlocks(submitted));
    if (!errors.isEmpty()) {
      chosen(requestId, "errors", String.join(",", errors.fieldNames()));
      return new JsonObject().put("response_action", "errors").put("errors", errors);
    }
    String placement = r.placement() == null ? Placement.REPLACE : r.placement();
    boolean shownInModal = r.view() != null
        && (r.isRefusal() || (Placement.REPLACE.equals(placement) && wantsModal(r.view())));
    if (shownInModal) {
      JsonObject next = modal(r.view(), origin);
      if (next != null) {
        chosen(requestId, "update", "modal");
        return new JsonObject().put("response_action", "update").put("view", next);
      }
    }
    chosen(requestId, "clear", placement);
    inConversation(a, origin, r);
    return clear();
  }

  /** The reply's field errors on inputs the submitted modal has, by block id. */
  static JsonObject fieldErrors(View v, Set<String> blockIds) {
    JsonObject errors = new JsonObject();
    if (v == null) return errors;
    for (View.Input in : v.inputs()) {
      String block = SlackBlocks.INPUT_BLOCK_PREFIX + in.name();
      if (in.error() != null && !in.error().isBlank() && blockIds.contains(block)) {
        errors.put(block, Markdown.truncateChars(in.error(), 150));
      }
    }
    return errors;
  }

  // ---- clicks inside a modal ----

  /** A button inside a PoCo modal: REPLACE shows in the modal, a toast as a notice there, the rest in the chat. */
  void click(JsonObject payload, JsonObject delivery) {
    JsonObject view = payload.getJsonObject("view", new JsonObject());
    Origin origin = Origin.decode(view.getString("private_metadata", ""));
    SlackEvents.Parsed<JsonObject> clicked = SlackEvents.buttonValue(payload, values);
    if (origin == null || clicked.value() == null) {
      debug.add(DebugRing.INBOUND, delivery.copy().put("ignored", origin == null ? "modal without PoCo's metadata"
          : clicked.ignored()));
      return;
    }
    SlackEvents.Interaction a = interaction(payload, view, origin, clicked.value());
    String requestId = a.intent().requestId();
    String viewId = view.getString("id");
    debug.add(DebugRing.INBOUND, delivery.copy().put("in_modal", viewId).put("intent_key", a.intent().intentKey())
        .put("request_id", requestId));
    Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_INTENT, a.intent().toJson(), Bus.EDGE_TIMEOUT_MS)
        .map(Reply::fromJson)
        .<Object>compose(r -> {
          if (r.duplicate()) return Future.succeededFuture();
          String placement = r.placement() == null ? Placement.REPLACE : r.placement();
          View shown = null;
          if (Placement.REPLACE.equals(placement) && r.view() != null) {
            shown = r.view();
          } else if ((Placement.TOAST.equals(placement) || r.view() == null) && r.toast() != null
              && !r.toast().isBlank()) {
            shown = View.notice(r.view() == null ? "" : r.view().title(), r.toast());
          }
          if (shown == null) return inConversation(a, origin, r).mapEmpty();
          JsonObject next = modal(shown, origin);
          if (next == null || viewId == null) return inConversation(a, origin, r).mapEmpty();
          chosen(requestId, placement, "modal:" + viewId);
          return api.updateView(viewId, next).mapEmpty();
        })
        .onFailure(err -> note(requestId, "click in modal: " + err.getMessage()));
  }

  // ---- shared ----

  /** The CardIntent of a modal payload, as the message form would have given it, and where its replies go. */
  private static SlackEvents.Interaction interaction(JsonObject payload, JsonObject view, Origin origin,
      JsonObject value) {
    String user = payload.getJsonObject("user", new JsonObject()).getString("id");
    String chatType = origin.channel() != null && origin.channel().startsWith("D") ? Platforms.CHAT_DM
        : Platforms.CHAT_GROUP;
    CardIntent intent = new CardIntent(Platforms.SLACK, origin.channel(), chatType, user, origin.messageTs(),
        value.getString("intent_key"), value.getString("request_id"), value, SlackEvents.form(view.getJsonObject("state")),
        false, null);
    return new SlackEvents.Interaction(intent, origin.channel(), origin.messageTs(), origin.ephemeral(),
        origin.responseUrl(), origin.threadTs(), payload.getString("trigger_id"));
  }

  /** A reply shown in the conversation; REPLACE goes over the clicked message only when the form was to replace it. */
  private Future<?> inConversation(SlackEvents.Interaction a, Origin origin, Reply r) {
    Reply placed = Placement.REPLACE.equals(r.placement()) && Placement.NEW.equals(origin.openedAs())
        ? r.placed(Placement.NEW) : r;
    return conversation.apply(a, placed);
  }

  private JsonObject decodeValue(String encoded) {
    try {
      return values.decode(new JsonObject(encoded));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Set<String> inputBlocks(JsonObject view) {
    Set<String> ids = new HashSet<>();
    JsonObject stateValues = view.getJsonObject("state", new JsonObject()).getJsonObject("values", new JsonObject());
    ids.addAll(stateValues.fieldNames());
    JsonArray blocks = view.getJsonArray("blocks", new JsonArray());
    for (int i = 0; i < blocks.size(); i++) {
      Object b = blocks.getValue(i);
      if (b instanceof JsonObject o && "input".equals(o.getString("type")) && o.getString("block_id") != null) {
        ids.add(o.getString("block_id"));
      }
    }
    return ids;
  }

  private static String firstInputBlock(JsonObject view) {
    JsonArray blocks = view.getJsonArray("blocks", new JsonArray());
    for (int i = 0; i < blocks.size(); i++) {
      Object b = blocks.getValue(i);
      if (b instanceof JsonObject o && "input".equals(o.getString("type")) && o.getString("block_id") != null) {
        return o.getString("block_id");
      }
    }
    JsonObject stateValues = view.getJsonObject("state", new JsonObject()).getJsonObject("values", new JsonObject());
    return stateValues.isEmpty() ? null : stateValues.fieldNames().iterator().next();
  }

  static JsonObject clear() { return new JsonObject().put("response_action", "clear"); }

  private void chosen(String id, String placement, String target) {
    JsonObject d = new JsonObject().put("placement", placement).put("target", target);
    if (id != null) d.put("id", id);
    debug.add(DebugRing.REPLY, d);
  }

  private void note(String requestId, String what) {
    JsonObject d = new JsonObject().put("modal", what);
    if (requestId != null) d.put("request_id", requestId);
    debug.add(DebugRing.ERROR, d);
  }
}
