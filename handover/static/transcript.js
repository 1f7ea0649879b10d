// The transcript of the open conversation: messages in id order, each once, what people wrote as text; what they
// sent that is not text as its marker, with a Show button when the file can be fetched (media.js); a button they
// pressed as its words, marked as a press. A message to the person says where its delivery stands
// (handover/delivery.py): sending, sent, retrying or failed.
import { appendSpaced, el, make, timeElement } from "./dom.js";
import { forgetMedia, mediaControls } from "./media.js";
import { senderLabel, senderOf } from "./vocabulary.js";
import { t } from "./words.js";

let lastId = 0;  // the newest message shown
const unsettled = new Set();  // ids of messages still pending or retrying: the catch-up asks for them again
const SETTLED = ["sent", "failed"];
const DELIVERY_STATES = ["pending", "sent", "retrying", "failed"];  // core/vocabulary.py Delivery

// The next catch-up asks for what came after this: the newest message, or just before the oldest one whose
// delivery may still change (a delivery event says it did).
export function lastMessageId() {
  return unsettled.size ? Math.min(lastId, Math.min(...unsettled) - 1) : lastId;
}

export function clearTranscript() {
  lastId = 0;
  unsettled.clear();
  el.transcript.replaceChildren();
  forgetMedia();
}

function showDelivery(li, id, delivery) {
  if (!DELIVERY_STATES.includes(delivery)) return;  // the person's own messages have none
  let mark = li.querySelector(".delivery");
  if (!mark) {
    mark = make("span", "delivery");
    li.querySelector(".msg-head").append(mark);
  }
  mark.dataset.delivery = delivery;
  mark.textContent = t(`conv.delivery_${delivery}`);
  if (SETTLED.includes(delivery)) unsettled.delete(id);
  else unsettled.add(id);
}

// A button the person pressed: its words as they saw them (never its payload), marked as a press in the console's
// words. The words are isolated (<bdi>), so that an Arabic title keeps its order inside the marker.
function pressedMark(title) {
  const mark = make("span", "pressed");
  const [before, after = ""] = t("conv.pressed").split("{title}");
  mark.append(before, make("bdi", null, title), after);
  return mark;
}

function messageItem(message) {
  const sender = senderOf(message.sender);
  const li = make("li", "msg " + sender);
  li.dataset.msgId = String(message.id);
  const head = make("span", "msg-head");
  appendSpaced(head, make("span", "sender", senderLabel(sender)), timeElement(message.created_at));
  const text = make("span", "text");
  // A press, then what came with it (the code of Telegram's "/report CODE"); words typed, alone.
  const pressed = typeof message.pressed === "string" ? [pressedMark(message.pressed)] : [];
  appendSpaced(text, ...pressed, ...(message.text ? [String(message.text)] : []));
  text.dir = "auto";
  appendSpaced(li, head, text);
  showDelivery(li, Number(message.id), message.delivery);
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
    const shown = box.querySelector(`li[data-msg-id="${id}"]`);
    if (shown) {  // asked again for its delivery
      showDelivery(shown, id, message.delivery);
      continue;
    }
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
