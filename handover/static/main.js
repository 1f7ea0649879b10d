// The caseworker console (handover/templates/console.html): talks to /api/console (handover/console.py) and
// its WebSocket (handover/hub.py). This module wires the others together: login, logout, start.
//
// Rules kept throughout: whatever people wrote goes into the page as text, never as HTML (dom.js); every
// POST carries the console header against CSRF (api.js); every failure shows in #status (status.js); a 401
// anywhere shows the login form. The open conversation lives in location.hash (#c=<id>), everything else
// is fetched from the API, so a reload loses nothing but unsent drafts. The domain's words (tiers, states,
// kinds, senders, dimensions) come from GET /api/console/vocabulary (vocabulary.js).
import { initActions, loadCaseworkers, resetActions } from "./actions.js";
import { audioContext, askNotificationPermission, initAlerts, updateAlertsButton } from "./alerts.js";
import { api, onLoggedOut } from "./api.js";
import { catchUp, clearConversationView, forgetDrafts, openFromHash } from "./conversation.js";
import { el } from "./dom.js";
import { initFindReport } from "./find_report.js";
import { connect, disconnect } from "./live.js";
import { initNotes } from "./notes.js";
import { refreshQueue, resetQueue, tick } from "./queue.js";
import { initReply, resetReply } from "./reply.js";
import { initShortcuts } from "./shortcuts.js";
import { isSupervisor, session, view } from "./state.js";
import { fail, say, withButton } from "./status.js";
import { loadVocabulary } from "./vocabulary.js";

const SAFETY_REFRESH = 30000;  // ms: refetch the queue even when no event came
let timers = [];

function stopTimers() {
  for (const timer of timers) clearInterval(timer);
  timers = [];
}

function showLogin() {
  disconnect();
  stopTimers();
  session.me = null;
  resetQueue();
  resetReply();
  resetActions();
  forgetDrafts();
  view.openSeq += 1;
  clearConversationView();
  el.whoami.textContent = "";
  document.title = "havn console";
  el.loading.hidden = true;
  el.console.hidden = true;
  el.logout.hidden = true;
  el.statsLink.hidden = true;
  el.login.hidden = false;
  if (!el.login.contains(document.activeElement)) el.username.focus();
}

// The vocabulary first (once per page): the queue, the transcript and the panels are shown in its words.
async function loggedIn(me) {
  await loadVocabulary();
  session.me = me;
  el.whoami.textContent = `${me.name} (${me.role})`;
  el.heldTitle.textContent = isSupervisor() ? "Held (everyone)" : "Held by you";
  el.loading.hidden = true;
  el.login.hidden = true;
  el.console.hidden = false;
  el.logout.hidden = false;
  el.statsLink.hidden = !isSupervisor();
  updateAlertsButton();
  stopTimers();
  timers = [
    setInterval(tick, 1000),
    setInterval(() => { refreshQueue(); catchUp(); }, SAFETY_REFRESH),
  ];
  connect();
  refreshQueue();
  loadCaseworkers();
  openFromHash();
}

async function logIn(event) {
  event.preventDefault();
  // The click is the moment browsers allow sound and the permission question.
  audioContext();
  askNotificationPermission();
  const username = el.username.value.trim();
  const password = el.password.value;
  if (!username || !password) { say("Please give your name and password.", "error"); return; }
  el.loginSubmit.disabled = true;
  try {
    const data = await api("POST", "/login", { username, password });
    el.password.value = "";
    say("");
    await loggedIn(data.caseworker);
  } catch (error) {
    fail(error);
    el.password.select();
  } finally {
    el.loginSubmit.disabled = false;
  }
}

function logOut() {
  return withButton(el.logout, async () => {
    await api("POST", "/logout");
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
    showLogin();
    say("You are logged out.", "info");
  });
}

async function start() {
  try {
    await loggedIn(await api("GET", "/me"));
  } catch (error) {
    if (error.loggedOut) return;  // the login form shows
    fail(error);
    el.loading.textContent = "Trying again…";
    setTimeout(start, 5000);
  }
}

onLoggedOut(showLogin);
initAlerts();
initNotes();
initReply();
initActions();
initShortcuts();
initFindReport();
el.loginForm.addEventListener("submit", logIn);
el.logout.addEventListener("click", logOut);
window.addEventListener("hashchange", openFromHash);
document.addEventListener("visibilitychange", () => {
  if (!document.hidden && session.me) { refreshQueue(); catchUp(); }
});
start();
