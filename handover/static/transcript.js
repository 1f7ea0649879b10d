// The transcript of the open conversation: messages in id order, each once, what people wrote as text; what they
// sent that is not text as its marker, with a Show button when the file can be fetched (media.js).
import { appendSpaced, el, make, timeElement } from "./dom.js";
import { forgetMedia, mediaControls } from "./media.js";
import { senderLabel, senderOf } from "./vocabulary.js";
import { t } from "./words.js";

let lastId = 0;  // the newest message shown: the next catch-up asks for what came after it

export function lastMessageId() {
  return lastId;
}

export function clearTranscript() {
  lastId = 0;
  el.transcript.replaceChildren();
  forgetMedia();
}

function messageItem(message) {
  const sender = senderOf(message.sender);
  const li = make("li", "msg " + sender);
  li.dataset.msgId = String(message.id);
  const head = make("span", "msg-head");
  appendSpaced(head, make("span", "sender", senderLabel(sender)), timeElement(message.created_at));
  const text = make("span", "text", message.text || "");
  text.dir = "auto";
  appendSpaced(li, head, text);
  if (message.media && message.media.file) li.append(mediaControls(message));
  if (Array.isArray(message.buttons) && message.buttons.length) {
    const offered = make("ul", "offered");
    offered.setAttribute("aria-label", t("conv.buttons_offered"));
    for (const button of message.buttons) {
      const item = make("li");
      item.append(make("span", "offered-button", button && button.title));
      offered.append(item);
    }
    li.append(offered);
  }
  return li;
}

// initial: the first load or the caseworker's own message, which always scrolls to the end; otherwise only
// a reader near the end is kept there.
export function addMessages(messages, initial) {
  const box = el.transcript;
  const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  let added = false;
  for (const message of messages) {
    const id = Number(message.id);
    if (!Number.isFinite(id)) continue;
    if (box.querySelector(`li[data-msg-id="${id}"]`)) continue;
    const li = messageItem(message);
    const last = box.lastElementChild;
    if (!last || Number(last.dataset.msgId) < id) box.append(li);
    else {
      const after = Array.from(box.children).find((other) => Number(other.dataset.msgId) > id);
      box.insertBefore(li, after || null);
    }
    lastId = Math.max(lastId, id);
    added = true;
  }
  if (added && (initial || nearBottom)) box.scrollTop = box.scrollHeight;
}
