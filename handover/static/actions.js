// What a caseworker does with a conversation: take the next, claim, give back to the bot, resolve,
// transfer (with the list of accounts to transfer to). One action at a time; the server decides (409).
import { api, enc } from "./api.js";
import { closeConversation, forgetDraft, loadConversation, openConversation } from "./conversation.js";
import { el, make } from "./dom.js";
import { refreshQueue } from "./queue.js";
import { isMine, isSupervisor, session, view } from "./state.js";
import { fail, failInBackground, say } from "./status.js";

let acting = false;
let caseworkers = [];  // [{id, name, alias, role, online}] for the transfer list

export function resetActions() {
  caseworkers = [];
  el.transferTo.replaceChildren();
}

async function act(work) {
  if (acting) return;
  acting = true;
  const buttons = [el.claim, el.release, el.resolve, el.transfer, el.claimNext];
  for (const button of buttons) button.disabled = true;
  try {
    await work();
  } catch (error) {
    fail(error);
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
      say("Nobody is waiting right now.", "info");
      return;
    }
    say("You hold this conversation now; the person has been told that someone joined.", "info");
    openConversation(String(data.conversation_id), "reply");
  });
}

export function claimOpen() {
  const id = view.openId;
  if (!id || !view.open) { say("Open a conversation first.", "error"); return Promise.resolve(); }
  if (isMine(view.open)) { say("You already hold this conversation.", "info"); el.replyText.focus(); return Promise.resolve(); }
  return act(async () => {
    try {
      await api("POST", `/conversations/${enc(id)}/claim`);
    } catch (error) {
      fail(error);
      if (error.status === 409 && id === view.openId) loadConversation(id, false, true);
      refreshQueue();
      return;
    }
    say("You hold this conversation now; the person has been told that someone joined.", "info");
    refreshQueue();
    if (id === view.openId) {
      view.pendingFocus = "reply";
      await loadConversation(id, false);
    }
  });
}

// After release, resolve or transfer a caseworker may no longer open the conversation; a supervisor may.
async function afterEnding(id) {
  refreshQueue();
  if (id !== view.openId) return;
  if (isSupervisor()) await loadConversation(id, false);
  else closeConversation();
}

function mayEnd() {
  if (!view.openId || !view.open) { say("Open a conversation first.", "error"); return false; }
  if (view.open.state !== "assigned" || !(isMine(view.open) || isSupervisor())) {
    say("You do not hold this conversation.", "error");
    return false;
  }
  return true;
}

export function releaseOpen() {
  if (!mayEnd()) return Promise.resolve();
  const id = view.openId;
  return act(async () => {
    await api("POST", `/conversations/${enc(id)}/release`);
    say("Given back to the bot; the person has been told.", "info");
    forgetDraft(id);
    await afterEnding(id);
  });
}

export function resolveOpen() {
  if (!mayEnd()) return Promise.resolve();
  const id = view.openId;
  const alias = view.open.alias || id;
  if (!window.confirm(`Resolve the conversation with ${alias}? The person is told that it is closed; `
    + "their next message starts a new conversation.")) return Promise.resolve();
  return act(async () => {
    await api("POST", `/conversations/${enc(id)}/resolve`);
    say("Resolved; the person has been told.", "info");
    forgetDraft(id);
    await afterEnding(id);
  });
}

function transferOpen() {
  if (!mayEnd()) return Promise.resolve();
  const id = view.openId;
  const target = Number(el.transferTo.value);
  if (!el.transferTo.value || !Number.isInteger(target)) {
    say("Choose the caseworker to transfer to.", "error");
    el.transferTo.focus();
    return Promise.resolve();
  }
  return act(async () => {
    const data = await api("POST", `/conversations/${enc(id)}/transfer`, { caseworker_id: target });
    say(`Transferred to ${data.assignee || "the chosen caseworker"}.`, "info");
    el.transferTo.value = "";
    await afterEnding(id);
  });
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
  const first = make("option", null, "Choose a caseworker…");
  first.value = "";
  const options = [first];
  const people = caseworkers.filter((person) => person.id !== session.me.id || isSupervisor())
    .filter((person) => !view.open || person.id !== view.open.assignee_id)
    .sort((a, b) => Number(!!b.online) - Number(!!a.online) || String(a.name).localeCompare(String(b.name)));
  for (const person of people) {
    const you = person.id === session.me.id ? ", you" : "";
    const option = make("option", null,
      `${person.name} (${person.alias}${you}) — ${person.online ? "online" : "offline"}`);
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
