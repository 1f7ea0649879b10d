// The queue: who is waiting (most urgent first, as the server orders it) and who is held, with waiting
// times that tick, j/k selection, and a ring for an urgent request that was not waiting before.
import { api } from "./api.js";
import { ring } from "./alerts.js";
import { openConversation } from "./conversation.js";
import { appendSpaced, el, formatWait, make } from "./dom.js";
import { isSupervisor, session, view } from "./state.js";
import { backgroundRecovered, failInBackground, say } from "./status.js";
import { isMostUrgent, isUrgent, kindLabel, tierOf } from "./vocabulary.js";
import { t } from "./words.js";

// The queue line's first words for a person in danger (handover/queue_lines.py), in the console's language.
const DANGER_NOW = t("line.danger");

const queue = {
  waiting: [], held: [], online: null,  // the last answer
  unread: new Set(),  // the held conversations marked unread now: one that joins them is said aloud
  fetchedAt: 0,  // performance.now() of the last answer: waiting times tick from there
  loaded: false,  // the first queue of a session rings for nothing (it is not news)
  busy: false, again: false, soon: 0,  // one request at a time; events in a burst make one refetch
};

export function resetQueue() {
  queue.waiting = [];
  queue.held = [];
  queue.online = null;
  queue.unread = new Set();
  queue.loaded = false;
  view.selectedId = null;
  el.queue.replaceChildren();
  el.held.replaceChildren();
  el.online.textContent = "";
}

export function scheduleQueueRefresh() {
  clearTimeout(queue.soon);
  queue.soon = setTimeout(refreshQueue, 150);
}

export async function refreshQueue() {
  if (!session.me) return;
  if (queue.busy) { queue.again = true; return; }
  queue.busy = true;
  try {
    const data = await api("GET", "/queue");
    if (session.me) {
      renderQueue(data);
      backgroundRecovered();
    }
  } catch (error) {
    failInBackground(error);
  } finally {
    queue.busy = false;
    if (queue.again) { queue.again = false; refreshQueue(); }
  }
}

function renderQueue(data) {
  const waiting = Array.isArray(data.items) ? data.items : [];
  const held = Array.isArray(data.assigned) ? data.assigned : [];
  // Ring for an urgent request that was not waiting before, even when its event was missed (socket down),
  // or that became more urgent (not once it is already the most urgent tier).
  if (queue.loaded) {
    const before = new Map(queue.waiting.map((item) => [String(item.conversation_id), item.tier]));
    for (const item of waiting) {
      const previous = before.get(String(item.conversation_id));
      if (isUrgent(item.tier)
          && (previous === undefined || (previous !== item.tier && !isMostUrgent(previous)))) {
        ring(item.tier, String(item.conversation_id));
      }
    }
  }
  announceUnread(held);
  queue.loaded = true;
  queue.waiting = waiting;
  queue.held = held;
  queue.online = data.online;
  queue.fetchedAt = performance.now();

  const focused = document.activeElement && document.activeElement.closest
    ? document.activeElement.closest(".queue-item") : null;
  const focusedId = focused ? focused.dataset.id : null;

  el.queue.replaceChildren(...waiting.map((item) => queueItem(item, false)));
  el.held.replaceChildren(...held.map((item) => queueItem(item, true)));
  el.queueEmpty.hidden = waiting.length > 0;
  el.heldEmpty.hidden = held.length > 0;
  el.queueCount.textContent = t("queue.count", { count: waiting.length });
  const online = Number.isFinite(data.online) ? data.online : null;
  el.online.textContent = online === null ? "" : t("queue.online", { count: online });
  const top = waiting.find((item) => isMostUrgent(item.tier));
  document.title = !waiting.length ? t("page.title")
    : t(top ? "page.title_waiting_top" : "page.title_waiting", { count: waiting.length, tier: top ? top.tier : "" });

  if (focusedId) {
    const again = findItem(focusedId);
    if (again) again.querySelector("button").focus();
  }
}

// Unread (handover/read_marks.py): the person wrote in a conversation this caseworker holds since they last looked
// at it. The open one never is: the console catches up with it as the person writes.
function isUnread(item) {
  return item.unread === true && String(item.conversation_id) !== view.openId;
}

// Said aloud (the status line) when a held conversation becomes unread; not for the session's first queue, whose
// marks show without a word (as it rings for nothing).
function announceUnread(held) {
  const marked = held.filter(isUnread);
  const news = marked.filter((item) => !queue.unread.has(String(item.conversation_id)));
  queue.unread = new Set(marked.map((item) => String(item.conversation_id)));
  if (queue.loaded && news.length) say(t("live.unread", { aliases: news.map((item) => item.alias).join(", ") }), "info");
}

// The person deleted the conversation `id` (live.js): out of both lists now, before the refetch confirms it.
// Returns its alias when it was in the held list, else null.
export function dropFromQueue(id) {
  const isNot = (item) => String(item.conversation_id) !== id;
  const held = queue.held.find((item) => !isNot(item));
  if (view.selectedId === id) view.selectedId = null;
  renderQueue({ items: queue.waiting.filter(isNot), assigned: queue.held.filter(isNot), online: queue.online });
  return held ? String(held.alias) : null;
}

function queueItem(item, isHeld) {
  const id = String(item.conversation_id);
  const tier = tierOf(item.tier);
  const urgent = isUrgent(tier);
  const li = make("li", "queue-item");
  li.dataset.id = id;
  li.dataset.tier = tier;
  li.dataset.urgent = String(urgent);
  li.dataset.waitBase = String(Number(item.waiting_seconds) || 0);
  if (id === view.openId) { li.classList.add("open"); li.setAttribute("aria-current", "true"); }
  if (id === view.selectedId) li.classList.add("selected");
  const unread = isHeld && isUnread(item);
  li.dataset.unread = String(unread);

  const button = make("button", "item-button");
  button.type = "button";
  const top = make("span", "item-line");
  const badge = make("span", "tier", tier || "–");
  badge.dataset.tier = tier;
  if (urgent) badge.title = t("queue.urgent_title", { tier });
  const waitingText = make("span", "waiting", formatWait(waitedSeconds(li)));
  appendSpaced(top, badge, ...(urgent ? [make("span", "visually-hidden", t("queue.urgent"))] : []),
    make("span", "alias", item.alias), ...(unread ? [make("span", "unread", t("queue.unread"))] : []),
    languageBadge(item),
    make("span", "kind", kindLabel(item.kind)), make("span", "visually-hidden", t(isHeld ? "queue.since" : "queue.waiting")),
    waitingText);
  const summary = make("span", "summary", item.summary || "");
  if (String(item.summary || "").startsWith(DANGER_NOW)) summary.dataset.danger = "true";
  button.append(top, summary);
  const keyWords = Array.isArray(item.key_words) ? item.key_words : [];
  if (keyWords.length) button.append(keyWordLine(keyWords));
  if (isHeld && item.assignee && (isSupervisor() || item.assignee !== session.me.alias)) {
    button.append(make("span", "assignee", t("queue.held_by", { alias: item.assignee })));
  }
  li.append(button);
  li.addEventListener("click", () => {
    selectItem(li, false);
    openConversation(id);
  });
  return li;
}

// "Romanian (Română)" from the server; the code stays in the title (and is all there is from an older server).
function languageBadge(item) {
  const badge = make("span", "language", item.language_name || item.language);
  badge.title = String(item.language || "");
  return badge;
}

// The person's own words that made the bot flag the conversation: quoted, as text, in their direction. The quote
// marks are the page's (the <q> keeps the page's direction); the words inside are isolated (<bdi>), so that Arabic
// reads right to left between quote marks that stay the right way round (not ”انا خايفة“).
function keyWordLine(words) {
  const line = make("span", "key-words");
  line.append(make("span", "visually-hidden", t("queue.their_words")));
  words.forEach((words, index) => {
    if (index) line.append(" ");
    const quote = make("q", "key-word");
    quote.append(make("bdi", null, words));
    line.append(quote);
  });
  return line;
}

function waitedSeconds(li) {
  const base = Number(li.dataset.waitBase) || 0;
  return base + Math.max(0, (performance.now() - queue.fetchedAt) / 1000);
}

export function tick() {
  for (const li of allItems()) {
    const seconds = waitedSeconds(li);
    const node = li.querySelector(".waiting");
    const text = formatWait(seconds);
    if (node && node.textContent !== text) node.textContent = text;
    li.classList.toggle("long-wait", seconds >= 600);
  }
}

function allItems() {
  return Array.from(document.querySelectorAll("#queue .queue-item, #held .queue-item"));
}

export function findItem(id) {
  return allItems().find((li) => li.dataset.id === id) || null;
}

function selectItem(li, focus) {
  for (const other of allItems()) other.classList.remove("selected");
  li.classList.add("selected");
  view.selectedId = li.dataset.id;
  if (focus) {
    const button = li.querySelector("button");
    button.focus();
    li.scrollIntoView({ block: "nearest" });
  }
}

export function moveSelection(step) {
  const items = allItems();
  if (!items.length) { say(t("queue.empty"), "info"); return; }
  let index = items.findIndex((li) => li.dataset.id === view.selectedId);
  if (index === -1) index = items.findIndex((li) => li.dataset.id === view.openId);
  index = index === -1 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, index + step));
  selectItem(items[index], true);
}

export function markOpenInQueue() {
  for (const li of allItems()) {
    const open = li.dataset.id === view.openId;
    li.classList.toggle("open", open);
    if (open) li.setAttribute("aria-current", "true");
    else li.removeAttribute("aria-current");
    if (open) markRead(li);
  }
}

// Opened: read (the server marks it so as it sends the transcript); its mark goes now, not at the next refetch.
function markRead(li) {
  const item = queue.held.find((each) => String(each.conversation_id) === li.dataset.id);
  if (item) item.unread = false;
  queue.unread.delete(li.dataset.id);
  li.dataset.unread = "false";
  const mark = li.querySelector(".unread");
  if (mark) mark.remove();
}
