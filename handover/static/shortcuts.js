// Keyboard shortcuts (listed on the page): n next, c claim, r release, d resolve, t transfer, / reply,
// j/k and Enter in the queue, Ctrl+Enter sends the reply or saves the note, Esc leaves a text field. Letters do
// nothing while the caseworker types, and a key that acts is never typed into a box (preventDefault).
import { claimNext, claimOpen, releaseOpen, resolveOpen } from "./actions.js";
import { openConversation } from "./conversation.js";
import { el } from "./dom.js";
import { sendNote } from "./notes.js";
import { findItem, moveSelection } from "./queue.js";
import { sendReply } from "./reply.js";
import { session, view } from "./state.js";
import { say } from "./status.js";
import { t } from "./words.js";

function isTyping(target) {
  if (!target || !target.tagName) return false;
  return ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || target.isContentEditable;
}

function onKey(event) {
  if (!session.me || el.console.hidden) return;
  const target = event.target;
  if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
    if (target === el.replyText) { event.preventDefault(); sendReply(); }
    else if (target === el.noteText) { event.preventDefault(); sendNote(); }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || event.defaultPrevented) return;
  if (isTyping(target)) { onKeyInField(event); return; }
  switch (event.key) {
    case "n": event.preventDefault(); claimNext(); break;
    case "c": event.preventDefault(); claimOpen(); break;
    case "r": event.preventDefault(); releaseOpen(); break;
    case "d": event.preventDefault(); resolveOpen(); break;
    case "t":
      event.preventDefault();
      if (view.open && !el.transferGroup.hidden) el.transferTo.focus();
      else say(t("act.transfer_only_held"), "error");
      break;
    case "/":
      event.preventDefault();
      if (view.open && !el.replyText.disabled) el.replyText.focus();
      else say(t(view.open ? "act.claim_before_reply" : "act.open_first"), "error");
      break;
    case "j": event.preventDefault(); moveSelection(1); break;
    case "k": event.preventDefault(); moveSelection(-1); break;
    case "Enter": {
      if (target && target.closest && target.closest("button, a, summary, [role=button]")) return;
      const li = view.selectedId ? findItem(view.selectedId) : null;
      if (li) { event.preventDefault(); openConversation(li.dataset.id); }
      break;
    }
    default:
  }
}

// In a text field keys are text, with two exceptions. Esc leaves the field (the focus goes to the open
// conversation), so that the single keys work again. "/" in the empty reply box, where "n" or "c" put the focus,
// is the "write a reply" key already done: typed, the person would receive "/Hello…".
function onKeyInField(event) {
  const target = event.target;
  if (event.key === "Escape" && (target.tagName === "TEXTAREA" || target.tagName === "INPUT")) {
    event.preventDefault();
    if (el.conversation.contains(target)) el.conversation.focus();
    else target.blur();
  } else if (event.key === "/" && target === el.replyText && !el.replyText.value) {
    event.preventDefault();
  }
}

export function initShortcuts() {
  document.addEventListener("keydown", onKey);
  // The skip link moves the focus to the open conversation without following its href: location.hash holds the
  // open conversation (#c=<id>), and "#conversation" there would close it.
  document.querySelector(".skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    el.conversation.focus();
  });
}
