// The open conversation: it lives in the address (#c=<id>), its unsent drafts in the tab (drafts.js), so a
// reload loses nothing.
// Opening, loading and closing it, its header (tier, language, state, holder), which controls apply, and
// catching up with new messages and changes of state.
import { api, enc } from "./api.js";
import { fillTransfer, loadCaseworkers } from "./actions.js";
import { appendSpaced, el, make, timeElement } from "./dom.js";
import { draftOf, forgetDraft, keepDraft } from "./drafts.js";
import { renderNotes } from "./notes.js";
import { markOpenInQueue, refreshQueue } from "./queue.js";
import { forgetCannedInsert, loadCanned } from "./reply.js";
import { renderReports, renderScreening } from "./screening.js";
import { isMine, isSupervisor, session, view } from "./state.js";
import { backgroundRecovered, fail, failInBackground, say } from "./status.js";
import { addMessages, clearTranscript, lastMessageId } from "./transcript.js";
import { kindLabel, stateLabel, tierOf } from "./vocabulary.js";
import { t } from "./words.js";

let catchUpAfterLoad = false;  // a catch-up asked for while the conversation was still loading

function hashId() {
  const match = /^#c=(.+)$/.exec(location.hash);
  if (!match) return null;
  try { return decodeURIComponent(match[1]); } catch (error) { return null; }
}

export function openConversation(id, focus) {
  view.pendingFocus = focus || "heading";
  if (hashId() === id && view.openId === id) loadConversation(id, false);
  else if (hashId() === id) openFromHash();
  else location.hash = "c=" + enc(id);  // hashchange opens it
}

export function openFromHash() {
  if (!session.me) return;
  const id = hashId();
  if (!id) {
    saveDraft();
    clearConversationView();
    view.openSeq += 1;
    return;
  }
  if (id !== view.openId) loadConversation(id, true);
}

// What the open conversation's boxes hold, kept as it is typed (drafts.js), sent or saved (reply.js, notes.js).
export function saveDraft() {
  if (view.openId) keepDraft(view.openId, el.replyText.value, el.noteText.value);
}

// fresh: a newly opened conversation (clears the view); quiet: after a 409 whose message already shows,
// a 403 (someone else holds it now) just closes the view.
export async function loadConversation(id, fresh, quiet) {
  const seq = ++view.openSeq;
  if (fresh) {
    saveDraft();
    clearConversationView();
    view.openId = id;
    view.selectedId = id;
    el.conversation.dataset.id = id;
    el.convNone.textContent = t("conv.loading");
    const draft = draftOf(id);
    el.replyText.value = draft.reply;
    el.noteText.value = draft.note;
    markOpenInQueue();
  }
  try {
    const data = await api("GET", `/conversations/${enc(id)}`);
    if (seq !== view.openSeq || view.openId !== id) return;
    renderConversation(data, fresh);
  } catch (error) {
    if (seq !== view.openSeq || view.openId !== id) return;
    view.pendingFocus = null;
    if (closeErased(error, id)) return;
    if (error.status === 403 || error.status === 404) closeConversation();
    if (quiet) return;
    if (!fresh && error.status === 403) say(t("conv.taken"), "info");
    else fail(error);
  }
}

// Conversations where danger words came while someone held them (live.js): marked until the console reloads.
const withDanger = new Set();

export function markDanger(id) {
  if (id === null) return;
  withDanger.add(id);
  if (id === view.openId) el.conversation.dataset.danger = "true";
}

export function clearConversationView() {
  view.openId = null;
  view.open = null;
  el.conversation.dataset.id = "";
  el.conversation.dataset.state = "";
  el.conversation.dataset.danger = "";
  el.convErased.hidden = true;
  el.noteText.disabled = false;  // the reply's controls follow the next conversation (updateControls)
  el.noteSend.disabled = false;
  el.convBody.hidden = true;
  el.convNone.hidden = false;
  el.convNone.textContent = t("page.no_conversation");
  el.convAlias.textContent = "";
  el.convMeta.replaceChildren();
  clearTranscript();
  el.notes.replaceChildren();
  el.screeningBody.replaceChildren();
  el.reportBody.replaceChildren();
  el.report.hidden = true;
  el.replyText.value = "";
  el.noteText.value = "";
  forgetCannedInsert();
  markOpenInQueue();
}

// The person deleted the conversation `id` (live.js: an "erased" event, handover/retention.py). Open, it stays open
// to say so plainly (#conv-erased): what they wrote, the notes, the screening and its drafts leave the page (nothing
// of it is kept), and nothing more can be written or done to it; the caseworker moves on by opening another.
// Returns its alias when it was open, else null.
export function showErased(id) {
  if (id === null || id !== view.openId) return null;
  view.openSeq += 1;  // an answer still coming for it is dropped
  view.open = null;  // nothing asks for it again: catch-ups, the keys c, r, d, t and /
  withDanger.delete(id);
  forgetDraft(id);
  const hadFocus = el.conversation.contains(document.activeElement);
  el.conversation.dataset.state = "erased";
  el.conversation.dataset.danger = "";
  el.convMeta.replaceChildren();
  clearTranscript();
  el.notes.replaceChildren();
  el.notesEmpty.hidden = true;
  el.screeningBody.replaceChildren();
  el.reportBody.replaceChildren();
  el.report.hidden = true;
  for (const control of [el.claim, el.release, el.resolve, el.transferGroup]) control.hidden = true;
  el.replyText.value = "";
  el.noteText.value = "";
  el.replyHint.textContent = "";
  forgetCannedInsert();
  for (const control of [el.replyText, el.replySend, el.canned, el.noteText, el.noteSend]) control.disabled = true;
  el.convErased.hidden = false;
  if (hadFocus) el.convErased.focus();  // its box took no more input: the focus goes to what says why
  return el.convAlias.textContent;
}

// A 410 for the conversation `id`: the person deleted it. Its view closes (its drafts go with it: nothing of it is
// kept) and the server's sentence saying so stays in the status line. False for any other error.
export function closeErased(error, id) {
  if (!error || error.status !== 410) return false;
  if (id === view.openId) closeConversation();
  fail(error);
  refreshQueue();  // gone from the queue too
  return true;
}

export function closeConversation() {
  if (view.openId) forgetDraft(view.openId);
  clearConversationView();
  view.openSeq += 1;
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
}

function renderConversation(data, fresh) {
  view.open = data;
  const id = String(data.conversation_id);
  el.conversation.dataset.id = id;
  el.conversation.dataset.state = data.state || "";
  el.conversation.dataset.danger = withDanger.has(id) ? "true" : "";
  el.convNone.hidden = true;
  el.convBody.hidden = false;
  el.convAlias.textContent = data.alias || id;
  renderMeta(data);
  updateControls();
  if (fresh) {
    el.transcript.setAttribute("aria-busy", "true");
    clearTranscript();
  }
  addMessages(Array.isArray(data.messages) ? data.messages : [], true);
  el.transcript.removeAttribute("aria-busy");
  renderNotes(Array.isArray(data.notes) ? data.notes : []);
  renderReports(Array.isArray(data.reports) ? data.reports : []);
  renderScreening(data.screening, data.heard_in_chat, data.tier);
  loadCanned(data.language);
  if (fresh) loadCaseworkers();
  else fillTransfer();
  if (catchUpAfterLoad) { catchUpAfterLoad = false; catchUp(); }
  if (fresh || view.pendingFocus) {
    const focus = view.pendingFocus;
    view.pendingFocus = null;
    if (focus === "reply" && !el.replyText.disabled) el.replyText.focus();
    else if (focus) el.convAlias.focus();
  }
}

function renderMeta(data) {
  const parts = [];
  const tier = tierOf(data.tier);
  const badge = make("span", "tier", tier || t("conv.no_tier"));
  badge.dataset.tier = tier;
  const field = (label, value, className) => {
    const part = make("span", "meta-item" + (className ? " " + className : ""));
    const shown = value instanceof Node ? value : make("span", "meta-value", value);
    part.append(make("span", "meta-label", `${label}: `), shown);
    return part;
  };
  const dash = t("panel.dash");
  parts.push(field(t("conv.tier"), badge, "conv-tier"));
  parts.push(field(t("conv.language"), data.language_name || data.language, "conv-language"));
  parts.push(field(t("conv.channel"), data.channel || dash, "conv-channel"));
  parts.push(field(t("conv.kind"), kindLabel(data.kind) || dash, "conv-kind"));
  const state = stateLabel(data.state);
  // The state in the console's words only (a tester saw "assigned (optaget)" in the Danish console).
  parts.push(field(t("conv.state"), state || data.state || dash, "conv-state"));
  if (data.state === "assigned") {
    const mine = isMine(data);
    parts.push(field(t("conv.held_by"), mine ? t("conv.you") : (data.assignee || t("conv.another")), "conv-holder"));
  }
  if (data.queued_at) {
    const part = make("span", "meta-item");
    part.append(make("span", "meta-label", t("conv.asked_at")), timeElement(data.queued_at));
    parts.push(part);
  }
  el.convMeta.replaceChildren();
  appendSpaced(el.convMeta, ...parts);
}

function updateControls() {
  const data = view.open;
  if (!data) return;
  const mine = isMine(data);
  const mayEnd = data.state === "assigned" && (mine || isSupervisor());
  el.claim.hidden = data.state !== "queued";
  el.release.hidden = !mayEnd;
  el.resolve.hidden = !mayEnd;
  el.transferGroup.hidden = !mayEnd;
  el.replyText.disabled = !mine;
  el.replySend.disabled = !mine;
  el.canned.disabled = !mine;
  let hint;
  if (mine) hint = t("conv.hint_mine");
  else if (data.state === "queued") hint = t("conv.hint_queued");
  else if (data.state === "assigned") {
    hint = data.assignee ? t("conv.hint_held", { name: data.assignee }) : t("conv.hint_held_unknown");
  } else if (data.state === "resolved") hint = t("conv.hint_resolved");
  else hint = t("conv.hint_bot");
  el.replyHint.textContent = hint;
}

let catchBusy = false;
let catchAgain = false;

// New messages of the open conversation, and whether its state changed (no audit event on the server).
export async function catchUp() {
  const id = view.openId;
  if (!id || !session.me) return;
  if (!view.open) { catchUpAfterLoad = true; return; }  // the load in flight may miss it
  if (catchBusy) { catchAgain = true; return; }
  catchBusy = true;
  try {
    const data = await api("GET", `/conversations/${enc(id)}/messages?after=${lastMessageId()}`);
    if (id !== view.openId || !view.open) return;
    addMessages(Array.isArray(data.messages) ? data.messages : [], false);
    backgroundRecovered();
    if (data.state !== view.open.state || (data.assignee || null) !== (view.open.assignee || null)) {
      el.conversation.dataset.state = data.state || "";
      loadConversation(id, false);
    }
  } catch (error) {
    if (id !== view.openId) return;
    if (closeErased(error, id)) return;
    if (error.status === 403) {
      closeConversation();
      say(t("conv.taken"), "info");
    } else if (error.status === 404) {
      closeConversation();
      say(t("conv.gone"), "info");
    } else {
      failInBackground(error);
    }
  } finally {
    catchBusy = false;
    if (catchAgain) { catchAgain = false; catchUp(); }
  }
}
