// The page's elements and the helpers that put things into it. Whatever people wrote goes into the page as
// text (textContent, createElement), never as HTML.

const $ = (id) => document.getElementById(id);

export const el = {
  status: $("status"), loading: $("loading"), whoami: $("whoami"), live: $("live"), online: $("online"),
  enableAlerts: $("enable-alerts"), logout: $("logout"), statsLink: $("stats-link"),
  login: $("login"), loginForm: $("login-form"), username: $("username"), password: $("password"),
  loginSubmit: $("login-submit"),
  console: $("console"), queue: $("queue"), queueCount: $("queue-count"), queueEmpty: $("queue-empty"),
  held: $("held"), heldTitle: $("held-title"), heldEmpty: $("held-empty"), claimNext: $("claim-next"),
  conversation: $("conversation"), convNone: $("conv-none"), convBody: $("conv-body"),
  convAlias: $("conv-alias"), convMeta: $("conv-meta"),
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

export function formatWait(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
}

export function timeElement(iso) {
  const node = make("time", "when");
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return node;
  node.dateTime = iso;
  node.title = date.toLocaleString();
  const today = new Date().toDateString() === date.toDateString();
  const time = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  node.textContent = today ? time : `${date.toLocaleDateString([], { day: "numeric", month: "short" })} ${time}`;
  return node;
}

// "Romanian (Română)", as the queue shows it (handover/queue_lines.py): the English name a caseworker reads and
// the language's own name; the code when the browser knows neither.
export function languageName(code) {
  try {
    const english = new Intl.DisplayNames(["en"], { type: "language" }).of(code);
    const ownName = new Intl.DisplayNames([code], { type: "language" }).of(code);
    if (!english || english === code) return String(code);
    const own = ownName && ownName !== code ? ownName.charAt(0).toLocaleUpperCase(code) + ownName.slice(1) : "";
    return own && own !== english ? `${english} (${own})` : english;
  } catch (error) {
    return String(code || "unknown");
  }
}

export function humanise(value) {
  return value ? String(value).replace(/_/g, " ") : "—";
}
