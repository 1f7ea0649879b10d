// Answering the person: the reply box and canned responses in their language (content/canned/).
import { api, enc } from "./api.js";
import { closeErased, loadConversation, saveDraft } from "./conversation.js";
import { el, make } from "./dom.js";
import { isMine, view } from "./state.js";
import { fail, failInBackground, say } from "./status.js";
import { addMessages } from "./transcript.js";
import { t } from "./words.js";

const canned = new Map();  // language → [{short_code, text}]
let cannedLanguage = null;  // the language the list shows
let cannedInsert = null;  // {start, text} of the last insertion into the reply box

export function resetReply() {
  canned.clear();
  cannedLanguage = null;
  el.canned.replaceChildren();
}

export async function sendReply() {
  const id = view.openId;
  if (!id || !view.open) { say(t("act.open_first"), "error"); return; }
  if (!isMine(view.open)) { say(t("reply.claim_first"), "error"); return; }
  const text = el.replyText.value.trim();
  if (!text) { say(t("reply.write_first"), "error"); el.replyText.focus(); return; }
  if (el.replySend.dataset.busy) return;
  el.replySend.dataset.busy = "1";
  el.replySend.disabled = true;
  try {
    const data = await api("POST", `/conversations/${enc(id)}/messages`, { text });
    if (id !== view.openId) return;
    if (data.message) addMessages([data.message], true);
    el.replyText.value = "";
    forgetCannedInsert();
    saveDraft();  // the reply's draft goes; the note's stays
    if (el.status.classList.contains("error")) say("");
  } catch (error) {
    if (closeErased(error, id)) return;
    fail(error);
    if (error.status === 409 && id === view.openId) loadConversation(id, false, true);
  } finally {
    delete el.replySend.dataset.busy;
    el.replySend.disabled = !isMine(view.open);
  }
}

export async function loadCanned(language) {
  if (!language) language = "";
  if (cannedLanguage === language && el.canned.options.length) return;
  cannedLanguage = language;
  let items = canned.get(language);
  if (!items) {
    try {
      const data = await api("GET", `/canned?language=${enc(language)}`);
      items = Array.isArray(data.items) ? data.items : [];
      canned.set(language, items);
    } catch (error) {
      cannedLanguage = null;
      failInBackground(error);
      items = [];
    }
  }
  if (!view.open || (view.open.language || "") !== language) return;
  const first = make("option", null, items.length
    ? t("reply.canned", { language }) : t("reply.no_canned", { language }));
  first.value = "";
  const options = items.map((item, index) => {
    const text = String(item.text || "");
    const option = make("option", null,
      `${item.short_code}: ${text.length > 70 ? text.slice(0, 69) + "…" : text}`);
    option.value = String(index);
    option.title = text;
    return option;
  });
  el.canned.replaceChildren(first, ...options);
  el.canned.value = "";
}

export function forgetCannedInsert() {
  cannedInsert = null;
  el.canned.value = "";
}

// Choosing a canned response puts its text into the reply box for editing; it is never sent by itself.
// Choosing another one (arrow keys in the list fire a change for every option) replaces the previous
// insertion as long as it was not edited. Enter in the list goes on to the reply box.
function insertCanned() {
  const items = canned.get(cannedLanguage || "") || [];
  const item = items[Number(el.canned.value)];
  if (!el.canned.value || !item || el.replyText.disabled) return;
  const text = String(item.text || "");
  const box = el.replyText;
  const previous = cannedInsert;
  if (previous && box.value.slice(previous.start, previous.start + previous.text.length) === previous.text) {
    box.setRangeText(text, previous.start, previous.start + previous.text.length, "end");
    cannedInsert = { start: previous.start, text };
    return;
  }
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? box.value.length;
  const before = box.value.slice(0, start);
  const gap = before && !/\s$/.test(before) ? " " : "";
  box.setRangeText(gap + text, start, end, "end");
  cannedInsert = { start: start + gap.length, text };
}

export function initReply() {
  el.replyForm.addEventListener("submit", (event) => { event.preventDefault(); sendReply(); });
  el.canned.addEventListener("change", () => { insertCanned(); saveDraft(); });
  el.canned.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); el.replyText.focus(); }
  });
  el.replyText.addEventListener("input", () => { forgetCannedInsert(); saveDraft(); });
}
