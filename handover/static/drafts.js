// Unsent replies and notes, per conversation, kept in this tab's sessionStorage: a session that runs out while a
// caseworker writes (or a reload) loses nothing; the next login of the same caseworker in this tab finds them
// again. A reply's draft goes once it is sent, a note's once it is saved, both when the conversation is given
// back, resolved or closed; all of them at a logout (a shared computer keeps nobody's notes) and at the login of
// someone else. sessionStorage ends with the tab.
const STORED = "havn-console-drafts";  // {owner: caseworker id, items: {conversation id: {reply, note}}}
let owner = null;
let items = {};

function store() {
  if (owner === null) return;
  try {
    sessionStorage.setItem(STORED, JSON.stringify({ owner, items }));
  } catch (error) {
    // Storage full or refused: the drafts still live in memory until the page goes.
  }
}

// At login: this caseworker's drafts from before (a session that ran out, a reload); anyone else's are dropped.
export function restoreDrafts(caseworkerId) {
  let saved = null;
  try { saved = JSON.parse(sessionStorage.getItem(STORED) || "null"); } catch (error) { saved = null; }
  const mine = saved && saved.owner === caseworkerId && saved.items && typeof saved.items === "object";
  owner = caseworkerId;
  items = mine ? saved.items : {};
  if (!mine) sessionStorage.removeItem(STORED);
}

// When the session ends: the page forgets them, the tab keeps them for the next login.
export function setDraftsAside() {
  owner = null;
  items = {};
}

// At a logout: gone from the tab as well.
export function dropDrafts() {
  setDraftsAside();
  sessionStorage.removeItem(STORED);
}

export function draftOf(id) {
  const draft = items[id];
  return { reply: draft && typeof draft.reply === "string" ? draft.reply : "",
    note: draft && typeof draft.note === "string" ? draft.note : "" };
}

export function keepDraft(id, reply, note) {
  if (!id || owner === null) return;
  if (reply || note) items[id] = { reply, note };
  else delete items[id];
  store();
}

export function forgetDraft(id) {
  if (!(id in items)) return;
  delete items[id];
  store();
}
