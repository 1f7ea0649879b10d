// Private notes on the open conversation: only caseworkers see them.
import { api, enc } from "./api.js";
import { closeErased, saveDraft } from "./conversation.js";
import { appendSpaced, el, make, timeElement } from "./dom.js";
import { view } from "./state.js";
import { say, withButton } from "./status.js";
import { t } from "./words.js";

function noteItem(note) {
  const li = make("li", "note");
  li.dataset.noteId = String(note.id);
  const head = make("span", "note-head");
  appendSpaced(head, make("span", "author", note.author || "—"), timeElement(note.created_at));
  const text = make("span", "text", note.text || "");
  text.dir = "auto";
  li.append(head, text);
  return li;
}

export function renderNotes(notes) {
  el.notes.replaceChildren(...notes.map(noteItem));
  el.notesEmpty.hidden = notes.length > 0;
}

export async function sendNote() {
  const id = view.openId;
  if (!id || !view.open) { say(t("act.open_first"), "error"); return; }
  const text = el.noteText.value.trim();
  if (!text) { say(t("note.write_first"), "error"); el.noteText.focus(); return; }
  await withButton(el.noteSend, async () => {
    let data;
    try {
      data = await api("POST", `/conversations/${enc(id)}/notes`, { text });
    } catch (error) {
      if (closeErased(error, id)) return;
      throw error;
    }
    if (id !== view.openId) return;
    if (data.note && !el.notes.querySelector(`li[data-note-id="${Number(data.note.id)}"]`)) {
      el.notes.append(noteItem(data.note));
    }
    el.notesEmpty.hidden = true;
    el.noteText.value = "";
    saveDraft();  // the note's draft goes; the reply's stays
    say(t("note.saved"), "info");
  });
}

export function initNotes() {
  el.noteForm.addEventListener("submit", (event) => { event.preventDefault(); sendNote(); });
  el.noteText.addEventListener("input", saveDraft);
}
