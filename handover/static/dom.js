// The page's elements and the helpers that put things into it. Whatever people wrote goes into the page as
// text (textContent, createElement), never as HTML.
import { language, t } from "./words.js";

const $ = (id) => document.getElementById(id);

export const el = {
  status: $("status"), loading: $("loading"), whoami: $("whoami"), live: $("live"), online: $("online"),
  enableAlerts: $("enable-alerts"), logout: $("logout"), statsLink: $("stats-link"),
  languageChoice: $("language-choice"), language: $("language"),
  login: $("login"), loginForm: $("login-form"), username: $("username"), password: $("password"),
  loginSubmit: $("login-submit"),
  console: $("console"), queue: $("queue"), queueCount: $("queue-count"), queueEmpty: $("queue-empty"),
  held: $("held"), heldTitle: $("held-title"), heldEmpty: $("held-empty"), claimNext: $("claim-next"),
  conversation: $("conversation"), convNone: $("conv-none"), convBody: $("conv-body"),
  convAlias: $("conv-alias"), convMeta: $("conv-meta"), convErased: $("conv-erased"),
  claim: $("claim"), release: $("release"), resolve: $("resolve"),
  transferGroup: $("transfer-group"), transferTo: $("transfer-to"), transfer: $("transfer"),
  transcript: $("transcript"), replyForm: $("reply-form"), replyText: $("reply-text"), replySend: $("reply-send"),
  replyHint: $("reply-hint"), canned: $("canned"),
  screeningBody: $("screening-body"),
  report: $("report"),
  reportBody: $("report-body"),
  notes: $("notes"), notesEmpty: $("notes-empty"), noteForm: $("note-form"), noteText: $("note-text"),
  noteSend: $("note-send"),
  findReport: $("find-report"), reportCode: $("report-code"), findReportSubmit: $("find-report-submit"),
};

export function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// Append nodes with a space between them: flex rows hide it, screen readers and copied text keep words apart.
export function appendSpaced(parent, ...nodes) {
  nodes.forEach((node, index) => {
    if (index) parent.append(" ");
    parent.append(node);
  });
}

// What a person wrote, quoted as they wrote it (in their script and direction).
export function ownWords(text) {
  const quote = make("blockquote", "own-words", text);
  quote.dir = "auto";
  return quote;
}

// "45 seconds", "2 minutes", "1 hour, 5 minutes" (in the console's language, its plural forms).
export function formatWait(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return t("wait.seconds", { seconds: s });
  if (s < 3600) return t("wait.minutes", { minutes: Math.floor(s / 60) });
  return t("wait.hours_minutes", { hours: t("wait.hours", { hours: Math.floor(s / 3600) }),
    minutes: t("wait.minutes", { minutes: Math.floor((s % 3600) / 60) }) });
}

export function timeElement(iso) {
  const node = make("time", "when");
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return node;
  node.dateTime = iso;
  node.title = date.toLocaleString(language);
  const today = new Date().toDateString() === date.toDateString();
  const time = date.toLocaleTimeString(language, { hour: "2-digit", minute: "2-digit" });
  node.textContent = today ? time : `${date.toLocaleDateString(language, { day: "numeric", month: "short" })} ${time}`;
  return node;
}

export function humanise(value) {
  return value ? String(value).replace(/_/g, " ") : t("panel.dash");
}
