// What a caseworker does with a conversation: take the next, claim, give back to the bot, resolve,
// transfer (with the list of accounts to transfer to). One action at a time; the server decides (409).
import { api, enc } from "./api.js";
import { closeConversation, closeErased, loadConversation, openConversation } from "./conversation.js";
import { el, make } from "./dom.js";
import { forgetDraft } from "./drafts.js";
import { refreshQueue } from "./queue.js";
import { isMine, isSupervisor, session, view } from "./state.js";
import { fail, failInBackground, say } from "./status.js";
import { t } from "./words.js";

let acting = false;
let caseworkers = [];  // [{id, name, alias, role, online}] for the transfer list

export function resetActions() {
  caseworkers = [];
  el.transferTo.replaceChildren();
}

// id: the conversation the action is about; when the person has deleted it (410), its view closes and says so.
async function act(work, id) {
  if (acting) return;
  acting = true;
  const buttons = [el.claim, el.release, el.resolve, el.transfer, el.claimNext];
  for (const button of buttons) button.disabled = true;
  try {
    await work();
  } catch (error) {
    if (!closeErased(error, id)) fail(error);
  } finally {
    acting = false;
    for (const button of buttons) button.disabled = false;
  }
}

export function claimNext() {
  return act(async () => {
    const data = await api("POST", "/queue/next");
    refreshQueue();
    if (data.conversation_id === null || data.conversation_id === undefined) {
      say(t("act.nobody_waiting"), "info");
      return;
    }
    say(t("act.claimed"), "info");
    openConversation(String(data.conversation_id), "reply");
  });
}

export function claimOpen() {
  const id = view.openId;
  if (!id || !view.open) { say(t("act.open_first"), "error"); return Promise.resolve(); }
  if (isMine(view.open)) { say(t("act.already_yours"), "info"); el.replyText.focus(); return Promise.resolve(); }
  return act(async () => {
    try {
      await api("POST", `/conversations/${enc(id)}/claim`);
    } catch (error) {
      if (!closeErased(error, id)) fail(error);
      if (error.status === 409 && id === view.openId) loadConversation(id, false, true);
      refreshQueue();
      return;
    }
    say(t("act.claimed"), "info");
    refreshQueue();
    if (id === view.openId) {
      view.pendingFocus = "reply";
      await loadConversation(id, false);
    }
  }, id);
}

// After release, resolve or transfer a caseworker may no longer open the conversation; a supervisor may.
async function afterEnding(id) {
  refreshQueue();
  if (id !== view.openId) return;
  if (isSupervisor()) await loadConversation(id, false);
  else closeConversation();
}

function mayEnd() {
  if (!view.openId || !view.open) { say(t("act.open_first"), "error"); return false; }
  if (view.open.state !== "assigned" || !(isMine(view.open) || isSupervisor())) {
    say(t("act.not_yours"), "error");
    return false;
  }
  return true;
}

// Asks first, as resolve does (walk 3: one key press took a P1 out of the queue). The server decides where it
// goes: back to the queue while the person's request for a person is still open, else to the bot.
export function releaseOpen() {
  if (!mayEnd()) return Promise.resolve();
  const id = view.openId;
  const alias = view.open.alias || id;
  if (!window.confirm(t("act.release_confirm", { alias }))) return Promise.resolve();
  return act(async () => {
    const data = await api("POST", `/conversations/${enc(id)}/release`);
    say(t(data && data.state === "queued" ? "act.released_to_queue" : "act.released"), "info");
    forgetDraft(id);
    await afterEnding(id);
  }, id);
}

export function resolveOpen() {
  if (!mayEnd()) return Promise.resolve();
  const id = view.openId;
  const alias = view.open.alias || id;
  if (!window.confirm(t("act.resolve_confirm", { alias }))) return Promise.resolve();
  return act(async () => {
    await api("POST", `/conversations/${enc(id)}/resolve`);
    say(t("act.resolved"), "info");
    forgetDraft(id);
    await afterEnding(id);
  }, id);
}

function transferOpen() {
  if (!mayEnd()) return Promise.resolve();
  const id = view.openId;
  const target = Number(el.transferTo.value);
  if (!el.transferTo.value || !Number.isInteger(target)) {
    say(t("act.choose_caseworker"), "error");
    el.transferTo.focus();
    return Promise.resolve();
  }
  return act(async () => {
    let data;
    try {
      data = await api("POST", `/conversations/${enc(id)}/transfer`, { caseworker_id: target });
    } catch (error) {
      // The server refuses someone who is not online (its sentence shows in the status line): the list's
      // "online" may be older than that.
      if (error.status === 409) loadCaseworkers();
      throw error;
    }
    say(data.assignee ? t("act.transferred", { name: data.assignee }) : t("act.transferred_unknown"), "info");
    el.transferTo.value = "";
    await afterEnding(id);
  }, id);
}

export async function loadCaseworkers() {
  if (!session.me) return;
  try {
    const data = await api("GET", "/caseworkers");
    caseworkers = Array.isArray(data.items) ? data.items : [];
    fillTransfer();
  } catch (error) {
    failInBackground(error);
  }
}

export function fillTransfer() {
  if (!session.me) return;
  const chosen = el.transferTo.value;
  const first = make("option", null, t("act.choose_option"));
  first.value = "";
  const options = [first];
  const people = caseworkers.filter((person) => person.id !== session.me.id || isSupervisor())
    .filter((person) => !view.open || person.id !== view.open.assignee_id)
    .sort((a, b) => Number(!!b.online) - Number(!!a.online) || String(a.name).localeCompare(String(b.name)));
  for (const person of people) {
    const option = make("option", null, t(person.id === session.me.id ? "act.person_you" : "act.person",
      { name: person.name, alias: person.alias, presence: t(person.online ? "act.online" : "act.offline") }));
    option.value = String(person.id);
    options.push(option);
  }
  el.transferTo.replaceChildren(...options);
  el.transferTo.value = options.some((option) => option.value === chosen) ? chosen : "";
}

export function initActions() {
  el.claimNext.addEventListener("click", () => claimNext());
  el.claim.addEventListener("click", () => claimOpen());
  el.release.addEventListener("click", () => releaseOpen());
  el.resolve.addEventListener("click", () => resolveOpen());
  el.transfer.addEventListener("click", () => transferOpen());
}
