// The caseworker console (handover/templates/console.html): talks to /api/console (handover/console.py) and
// its WebSocket (handover/hub.py). This module wires the others together: login, logout, start.
//
// Rules kept throughout: whatever people wrote goes into the page as text, never as HTML (dom.js); every
// POST carries the console header against CSRF (api.js); every failure shows in #status (status.js); a 401
// anywhere shows the login form. The open conversation lives in location.hash (#c=<id>), everything else
// is fetched from the API, and unsent drafts are kept in the tab (drafts.js), so a reload loses nothing. The domain's words (tiers, states,
// kinds, senders, dimensions) come from GET /api/console/vocabulary (vocabulary.js).
import { initActions, loadCaseworkers, resetActions } from "./actions.js";
import { audioContext, askNotificationPermission, initAlerts, updateAlertsButton } from "./alerts.js";
import { api, onLoggedOut } from "./api.js";
import { catchUp, clearConversationView, openFromHash } from "./conversation.js";
import { el } from "./dom.js";
import { dropDrafts, restoreDrafts, setDraftsAside } from "./drafts.js";
import { initFindReport } from "./find_report.js";
import { connect, disconnect } from "./live.js";
import { initNotes } from "./notes.js";
import { refreshQueue, resetQueue, tick } from "./queue.js";
import { initReply, resetReply } from "./reply.js";
import { initShortcuts } from "./shortcuts.js";
import { isSupervisor, session, view } from "./state.js";
import { fail, say, withButton } from "./status.js";
import { loadVocabulary } from "./vocabulary.js";
import { language, t } from "./words.js";

const SAFETY_REFRESH = 30000;  // ms: refetch the queue even when no event came
const RELOADED_FOR = "havn-console-language";  // sessionStorage: the language the page was last reloaded for
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
  setDraftsAside();  // kept in the tab: a session that ran out loses no draft (a logout drops them)
  view.openSeq += 1;
  clearConversationView();
  el.whoami.textContent = "";
  document.title = t("page.title");
  el.loading.hidden = true;
  el.console.hidden = true;
  el.logout.hidden = true;
  el.languageChoice.hidden = true;
  el.statsLink.hidden = true;
  el.login.hidden = false;
  if (!el.login.contains(document.activeElement)) el.username.focus();
}

// The vocabulary first (once per page): the queue, the transcript and the panels are shown in its words.
// The page came in the browser's language; a caseworker who chose another gets the page again in theirs. Once
// only: a page that came without the session cookie (a link from another site: SameSite=Strict) may come in the
// browser's language again, and must not reload for ever.
function pageAgainIn(chosen) {
  const asked = sessionStorage.getItem(RELOADED_FOR);
  sessionStorage.removeItem(RELOADED_FOR);
  if (!chosen || chosen === language || asked === chosen) return false;
  sessionStorage.setItem(RELOADED_FOR, chosen);
  location.reload();
  return true;
}

async function loggedIn(me) {
  if (pageAgainIn(me.language)) return;
  await loadVocabulary();
  session.me = me;
  restoreDrafts(me.id);
  el.whoami.textContent = t("whoami", { name: me.name, role: t(`role.${me.role}`) });
  el.heldTitle.textContent = t(isSupervisor() ? "page.held_everyone" : "page.held_by_you");
  el.loading.hidden = true;
  el.login.hidden = true;
  el.console.hidden = false;
  el.logout.hidden = false;
  el.languageChoice.hidden = false;
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
  if (!username || !password) { say(t("login.missing"), "error"); return; }
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
    // First, before the server answers: its closing the live socket can show the login before the answer comes,
    // and a logout that fails must not leave this caseworker's notes to the next person at this computer.
    dropDrafts();
    await api("POST", "/logout");
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
    showLogin();
    say(t("logout.done"), "info");
  });
}

// The console's language, kept with the account (the next login anywhere finds it); the page comes again in it.
async function chooseLanguage() {
  const chosen = el.language.value;
  if (!session.me) return;  // the choice shows only while logged in
  el.language.disabled = true;
  try {
    await api("POST", "/language", { language: chosen });
    location.reload();
  } catch (error) {
    fail(error);
    el.language.value = language;
    el.language.disabled = false;
  }
}

async function start() {
  try {
    await loggedIn(await api("GET", "/me"));
  } catch (error) {
    if (error.loggedOut) return;  // the login form shows
    fail(error);
    el.loading.textContent = t("page.trying_again");
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
el.language.addEventListener("change", chooseLanguage);
window.addEventListener("hashchange", openFromHash);
document.addEventListener("visibilitychange", () => {
  if (!document.hidden && session.me) { refreshQueue(); catchUp(); }
});
start();
