// The caseworker console: talks to /api/console (handover/console.py) and its WebSocket (handover/hub.py).
// Rules kept throughout: whatever people wrote goes into the page as text (textContent, createElement),
// never as HTML; every POST carries the console header against CSRF; every failure shows in #status;
// a 401 anywhere shows the login form. The open conversation lives in location.hash (#c=<id>), everything
// else is fetched from the API, so a reload loses nothing but unsent drafts.
"use strict";
(function () {
  const API = "/api/console";
  const csrfMeta = document.querySelector('meta[name="havn-csrf-header"]');
  const CSRF_HEADER = (csrfMeta && csrfMeta.content) || "X-Havn-Console";
  const REQUEST_TIMEOUT = 30000;  // ms before a request counts as failed
  const PING_EVERY = 20000;  // ms: presence, the server counts a console as online while it pings
  const SAFETY_REFRESH = 30000;  // ms: refetch the queue even when no event came
  const MAX_BACKOFF = 30000;  // ms between WebSocket reconnects at most
  const URGENT = new Set(["P1", "P2"]);
  const TIERS = new Set(["P1", "P2", "P3", "P4"]);
  const SENDERS = { user: "Person", bot: "Bot", caseworker: "Caseworker", system: "System" };
  const DIMENSIONS = [
    ["DR", "Deceptive recruitment"], ["CR", "Coercive recruitment"],
    ["AVR", "Abuse of vulnerability at recruitment"], ["EX", "Exploitative conditions"],
    ["CD", "Coercion at destination"], ["AVD", "Abuse of vulnerability at destination"],
  ];
  const WEIGHTS = { S: "strong", M: "medium", W: "weak" };
  const AGE_BANDS = { under_18: "under 18", adult: "adult", unknown: "unknown" };
  const STATES = { queued: "waiting for a person", assigned: "held", bot: "with the bot", resolved: "resolved" };

  const $ = (id) => document.getElementById(id);
  const el = {
    status: $("status"), loading: $("loading"), whoami: $("whoami"), live: $("live"), online: $("online"),
    enableAlerts: $("enable-alerts"), logout: $("logout"),
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
  };

  const state = {
    me: null,  // {id, name, alias, role} while logged in
    waiting: [], held: [],
    fetchedAt: 0,  // performance.now() of the last queue answer: waiting times tick from there
    queueLoaded: false,  // the first queue of a session rings for nothing (it is not news)
    selectedId: null,  // j/k selection in the queue
    openId: null,  // the conversation in the hash
    open: null,  // its details as last fetched
    openSeq: 0,  // discards answers for a conversation that is no longer open
    pendingFocus: null,  // "reply" after a claim, "heading" after opening from the queue
    catchUpAfterLoad: false,
    lastMessageId: 0,
    caseworkers: [],
    canned: new Map(),  // language → [{short_code, text}]
    cannedLanguage: null,
    drafts: new Map(),  // conversation id → {reply, note}, in memory only
    alerted: new Map(),  // "id|tier" → time rung, so that one request rings once
    alerts: 0,
    timers: [],
  };

  // Helpers -------------------------------------------------------------------------------------------

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Append nodes with a space between them: flex rows hide it, screen readers and copied text keep words apart.
  function appendSpaced(parent, ...nodes) {
    nodes.forEach((node, index) => {
      if (index) parent.append(" ");
      parent.append(node);
    });
  }

  function isSupervisor() {
    return !!state.me && (state.me.role === "supervisor" || state.me.role === "admin");
  }

  function tierOf(value) {
    return TIERS.has(value) ? value : "";
  }

  function enc(value) {
    return encodeURIComponent(String(value));
  }

  function formatWait(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    if (s < 60) return `${s} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
    return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")} min`;
  }

  function timeElement(iso) {
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

  function languageName(code) {
    try {
      const name = new Intl.DisplayNames(["en"], { type: "language" }).of(code);
      return name && name !== code ? `${code} (${name})` : String(code);
    } catch (error) {
      return String(code || "unknown");
    }
  }

  function humanise(value) {
    return value ? String(value).replace(/_/g, " ") : "—";
  }

  // Status line ---------------------------------------------------------------------------------------

  let statusTimer = 0;
  let backgroundError = "";

  function say(text, kind) {
    clearTimeout(statusTimer);
    el.status.textContent = text || "";
    el.status.className = "status" + (text ? " " + (kind || "info") : "");
    if (text && (kind || "info") !== "error") {
      const after = kind === "urgent" ? 60000 : 10000;
      statusTimer = setTimeout(() => { if (el.status.textContent === text) say(""); }, after);
    }
  }

  function fail(error) {
    if (error && error.loggedOut) return;  // the login form says it already
    say(error && error.message ? error.message : String(error), "error");
  }

  // A failure of something the caseworker did not ask for (refresh, live update): shown, and cleared
  // again when the same kind of request works.
  function failInBackground(error) {
    if (error && error.loggedOut) return;
    fail(error);
    backgroundError = el.status.textContent;
  }

  function backgroundRecovered() {
    if (backgroundError && el.status.textContent === backgroundError) say("");
    backgroundError = "";
  }

  // The API ---------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(message, status, loggedOut) {
      super(message);
      this.status = status;
      this.loggedOut = !!loggedOut;
    }
  }

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    const options = { method, headers, credentials: "same-origin", cache: "no-store" };
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      headers[CSRF_HEADER] = "1";
      options.body = JSON.stringify(body || {});
    }
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    if (controller) options.signal = controller.signal;
    const timer = controller ? setTimeout(() => controller.abort(), REQUEST_TIMEOUT) : 0;
    let response;
    try {
      response = await fetch(API + path, options);
    } catch (error) {
      throw new ApiError(controller && controller.signal.aborted
        ? "The server did not answer in time. Please try again."
        : "The server cannot be reached. Check the connection and try again.", 0);
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try { data = await response.json(); } catch (error) { data = null; }
    if (response.status === 401 && path !== "/login") {
      const wasLoggedIn = !!state.me;
      showLogin();
      if (wasLoggedIn) say("Your session has ended. Please log in again.", "error");
      throw new ApiError("Please log in.", 401, true);
    }
    if (!response.ok) {
      const message = data && typeof data.error === "string" && data.error
        ? data.error : `The server answered with an error (HTTP ${response.status}).`;
      throw new ApiError(message, response.status);
    }
    return data || {};
  }

  // Alerts: sound (WebAudio) and browser notifications ---------------------------------------------------

  let audio = null;

  function audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    if (!audio) {
      try { audio = new Context(); } catch (error) { return null; }
    }
    if (audio.state === "suspended") audio.resume().catch(() => {});
    return audio;
  }

  function beep(count) {
    const context = audioContext();
    if (!context) return;
    const start = context.currentTime + 0.05;
    for (let i = 0; i < count; i += 1) {
      const at = start + i * 0.28;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "sine";
      oscillator.frequency.setValueAtTime(i % 2 ? 660 : 880, at);
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
      oscillator.connect(gain);
      gain.connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.22);
    }
  }

  function notificationsSupported() {
    return "Notification" in window;
  }

  function askNotificationPermission() {
    if (!notificationsSupported() || Notification.permission !== "default") return Promise.resolve();
    try {
      const asked = Notification.requestPermission(updateAlertsButton);
      return asked && asked.then ? asked.then(updateAlertsButton, updateAlertsButton) : Promise.resolve();
    } catch (error) {
      return Promise.resolve();
    }
  }

  function updateAlertsButton() {
    const permission = notificationsSupported() ? Notification.permission : "unsupported";
    const soundReady = !!audio && audio.state === "running";
    el.enableAlerts.classList.remove("attention");
    if (permission === "granted" && soundReady) el.enableAlerts.textContent = "Alerts on (test)";
    else if (permission === "denied") el.enableAlerts.textContent = "Alerts: sound only";
    else el.enableAlerts.textContent = "Enable alerts";
  }

  function notify(tier) {
    if (!notificationsSupported() || Notification.permission !== "granted") return;
    try {
      // No personal text in a notification: it may show on a locked screen.
      const notice = new Notification(`${tier} request waiting`, {
        body: "Open the havn console.", tag: `havn-${tier}`, renotify: true, requireInteraction: tier === "P1",
      });
      notice.addEventListener("click", () => { window.focus(); notice.close(); });
    } catch (error) { /* some browsers allow notifications only from a service worker */ }
  }

  function ring(tier, conversationId) {
    const shown = URGENT.has(tier) ? tier : "Urgent";
    const key = `${conversationId || "?"}|${shown}`;
    const now = Date.now();
    for (const [other, at] of state.alerted) if (now - at > 60000) state.alerted.delete(other);
    if (state.alerted.has(key)) return;
    state.alerted.set(key, now);
    state.alerts += 1;
    document.body.dataset.alerts = String(state.alerts);
    beep(shown === "P1" ? 4 : 2);
    notify(shown);
    say(`${shown} request waiting.`, "urgent");
    const audible = !!audio && audio.state === "running";
    const visible = notificationsSupported() && Notification.permission === "granted";
    if (!audible || !visible) el.enableAlerts.classList.add("attention");
  }

  el.enableAlerts.addEventListener("click", async () => {
    audioContext();
    beep(1);
    await askNotificationPermission();
    updateAlertsButton();
    if (notificationsSupported() && Notification.permission === "denied") {
      say("This browser blocks notifications for the console; allow them in the site settings. "
        + "The sound still plays while the console is open.", "info");
    } else if (!notificationsSupported()) {
      say("This browser cannot show notifications; the sound still plays.", "info");
    } else {
      say("Alerts are on: a sound and a notification when a P1 or P2 request arrives.", "info");
    }
  });

  // Browsers start sound only after the person did something on the page; the first click or key does it.
  function unlockAudioOnce() {
    if (state.me) audioContext();
    if (audio && audio.state !== "suspended") {
      document.removeEventListener("pointerdown", unlockAudioOnce, true);
      document.removeEventListener("keydown", unlockAudioOnce, true);
    }
    setTimeout(updateAlertsButton, 100);
  }
  document.addEventListener("pointerdown", unlockAudioOnce, true);
  document.addEventListener("keydown", unlockAudioOnce, true);

  // Live updates (WebSocket) ----------------------------------------------------------------------------

  const live = { socket: null, wanted: false, retry: 0, reconnectTimer: 0, pingTimer: 0 };

  function setLive(text) {
    el.live.textContent = text;
    el.live.dataset.state = text;
  }

  function connect() {
    if (!state.me) return;
    live.wanted = true;
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + API + "/ws";
    let socket;
    try {
      socket = new WebSocket(url);
    } catch (error) {
      scheduleReconnect();
      return;
    }
    live.socket = socket;
    if (el.live.textContent !== "reconnecting") setLive("connecting");
    socket.addEventListener("open", () => {
      if (live.socket !== socket) return;
      live.retry = 0;
      setLive("live");
      clearInterval(live.pingTimer);
      live.pingTimer = setInterval(() => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
      }, PING_EVERY);
      refreshQueue();  // whatever happened while the socket was down
      catchUp();
    });
    socket.addEventListener("message", (message) => {
      let event;
      try { event = JSON.parse(message.data); } catch (error) { return; }
      handleEvent(event);
    });
    socket.addEventListener("close", () => {
      if (live.socket !== socket) return;
      live.socket = null;
      clearInterval(live.pingTimer);
      if (live.wanted && state.me) scheduleReconnect();
      else setLive("offline");
    });
  }

  function scheduleReconnect() {
    setLive("reconnecting");
    const delay = Math.min(MAX_BACKOFF, 1000 * 2 ** live.retry);
    live.retry = Math.min(live.retry + 1, 10);
    clearTimeout(live.reconnectTimer);
    live.reconnectTimer = setTimeout(async () => {
      if (!live.wanted || !state.me) return;
      try {
        await api("GET", "/me");  // a closed socket may mean the session ended: then the login form shows
      } catch (error) {
        if (!error.loggedOut) scheduleReconnect();
        return;
      }
      connect();
    }, delay);
  }

  function disconnect() {
    live.wanted = false;
    clearTimeout(live.reconnectTimer);
    clearInterval(live.pingTimer);
    const socket = live.socket;
    live.socket = null;
    if (socket) socket.close();
    setLive("offline");
  }

  function handleEvent(event) {
    if (!event || typeof event !== "object" || !state.me) return;
    const id = event.conversation_id === undefined || event.conversation_id === null
      ? null : String(event.conversation_id);
    const isOpen = id !== null && id === state.openId;
    if (event.type === "queue") {
      if (event.urgent === true) ring(event.tier, id);
      scheduleQueueRefresh();
      if (isOpen) catchUp();  // claimed, released, resolved: catchUp sees the new state
    } else if (event.type === "message") {
      if (isOpen) catchUp();
      scheduleQueueRefresh();
    } else if (event.type === "conversation") {
      scheduleQueueRefresh();
      if (isOpen) loadConversation(id, false);
    }
  }

  // The queue -------------------------------------------------------------------------------------------

  let queueBusy = false;
  let queueAgain = false;
  let queueSoon = 0;

  function scheduleQueueRefresh() {
    clearTimeout(queueSoon);
    queueSoon = setTimeout(refreshQueue, 150);  // one refetch for a burst of events
  }

  async function refreshQueue() {
    if (!state.me) return;
    if (queueBusy) { queueAgain = true; return; }
    queueBusy = true;
    try {
      const data = await api("GET", "/queue");
      if (state.me) {
        renderQueue(data);
        backgroundRecovered();
      }
    } catch (error) {
      failInBackground(error);
    } finally {
      queueBusy = false;
      if (queueAgain) { queueAgain = false; refreshQueue(); }
    }
  }

  function renderQueue(data) {
    const waiting = Array.isArray(data.items) ? data.items : [];
    const held = Array.isArray(data.assigned) ? data.assigned : [];
    // Ring for an urgent request that was not waiting before, even when its event was missed (socket down).
    if (state.queueLoaded) {
      const before = new Map(state.waiting.map((item) => [String(item.conversation_id), item.tier]));
      for (const item of waiting) {
        const previous = before.get(String(item.conversation_id));
        if (URGENT.has(item.tier) && (previous === undefined || (previous !== item.tier && previous !== "P1"))) {
          ring(item.tier, String(item.conversation_id));
        }
      }
    }
    state.queueLoaded = true;
    state.waiting = waiting;
    state.held = held;
    state.fetchedAt = performance.now();

    const focused = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest(".queue-item") : null;
    const focusedId = focused ? focused.dataset.id : null;

    el.queue.replaceChildren(...waiting.map((item) => queueItem(item, false)));
    el.held.replaceChildren(...held.map((item) => queueItem(item, true)));
    el.queueEmpty.hidden = waiting.length > 0;
    el.heldEmpty.hidden = held.length > 0;
    el.queueCount.textContent = `(${waiting.length})`;
    const online = Number.isFinite(data.online) ? data.online : null;
    el.online.textContent = online === null ? "" : `${online} caseworker${online === 1 ? "" : "s"} online`;
    const p1 = waiting.some((item) => item.tier === "P1");
    document.title = waiting.length ? `(${waiting.length}${p1 ? " · P1" : ""}) havn console` : "havn console";

    if (focusedId) {
      const again = findItem(focusedId);
      if (again) again.querySelector("button").focus();
    }
  }

  function queueItem(item, isHeld) {
    const id = String(item.conversation_id);
    const tier = tierOf(item.tier);
    const li = make("li", "queue-item");
    li.dataset.id = id;
    li.dataset.tier = tier;
    li.dataset.waitBase = String(Number(item.waiting_seconds) || 0);
    if (id === state.openId) { li.classList.add("open"); li.setAttribute("aria-current", "true"); }
    if (id === state.selectedId) li.classList.add("selected");

    const button = make("button", "item-button");
    button.type = "button";
    const top = make("span", "item-line");
    const badge = make("span", "tier", tier || "–");
    badge.dataset.tier = tier;
    const waitingText = make("span", "waiting", formatWait(waitedSeconds(li)));
    appendSpaced(top, badge, make("span", "alias", item.alias), make("span", "language", item.language),
      make("span", "kind", item.kind), make("span", "visually-hidden", isHeld ? "since" : "waiting"), waitingText);
    const summary = make("span", "summary", item.summary || "no screening yet");
    button.append(top, summary);
    if (isHeld && item.assignee && (isSupervisor() || item.assignee !== state.me.alias)) {
      button.append(make("span", "assignee", `held by ${item.assignee}`));
    }
    li.append(button);
    li.addEventListener("click", () => {
      selectItem(li, false);
      openConversation(id);
    });
    return li;
  }

  function waitedSeconds(li) {
    const base = Number(li.dataset.waitBase) || 0;
    return base + Math.max(0, (performance.now() - state.fetchedAt) / 1000);
  }

  function tick() {
    for (const li of document.querySelectorAll("#queue .queue-item, #held .queue-item")) {
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

  function findItem(id) {
    return allItems().find((li) => li.dataset.id === id) || null;
  }

  function selectItem(li, focus) {
    for (const other of allItems()) other.classList.remove("selected");
    li.classList.add("selected");
    state.selectedId = li.dataset.id;
    if (focus) {
      const button = li.querySelector("button");
      button.focus();
      li.scrollIntoView({ block: "nearest" });
    }
  }

  function moveSelection(step) {
    const items = allItems();
    if (!items.length) { say("The queue is empty.", "info"); return; }
    let index = items.findIndex((li) => li.dataset.id === state.selectedId);
    if (index === -1) index = items.findIndex((li) => li.dataset.id === state.openId);
    index = index === -1 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, index + step));
    selectItem(items[index], true);
  }

  function markOpenInQueue() {
    for (const li of allItems()) {
      const open = li.dataset.id === state.openId;
      li.classList.toggle("open", open);
      if (open) li.setAttribute("aria-current", "true");
      else li.removeAttribute("aria-current");
    }
  }

  // Opening a conversation ------------------------------------------------------------------------------

  function hashId() {
    const match = /^#c=(.+)$/.exec(location.hash);
    if (!match) return null;
    try { return decodeURIComponent(match[1]); } catch (error) { return null; }
  }

  function openConversation(id, focus) {
    state.pendingFocus = focus || "heading";
    if (hashId() === id && state.openId === id) loadConversation(id, false);
    else if (hashId() === id) openFromHash();
    else location.hash = "c=" + enc(id);  // hashchange opens it
  }

  function openFromHash() {
    if (!state.me) return;
    const id = hashId();
    if (!id) {
      saveDraft();
      clearConversationView();
      state.openSeq += 1;
      return;
    }
    if (id !== state.openId) loadConversation(id, true);
  }

  function saveDraft() {
    if (!state.openId) return;
    const reply = el.replyText.value;
    const note = el.noteText.value;
    if (reply || note) state.drafts.set(state.openId, { reply, note });
    else state.drafts.delete(state.openId);
  }

  // fresh: a newly opened conversation (clears the view); quiet: after a 409 whose message already shows,
  // a 403 (someone else holds it now) just closes the view.
  async function loadConversation(id, fresh, quiet) {
    const seq = ++state.openSeq;
    if (fresh) {
      saveDraft();
      clearConversationView();
      state.openId = id;
      state.selectedId = id;
      el.conversation.dataset.id = id;
      el.convNone.textContent = "Loading the conversation…";
      const draft = state.drafts.get(id);
      el.replyText.value = draft ? draft.reply : "";
      el.noteText.value = draft ? draft.note : "";
      markOpenInQueue();
    }
    try {
      const data = await api("GET", `/conversations/${enc(id)}`);
      if (seq !== state.openSeq || state.openId !== id) return;
      renderConversation(data, fresh);
    } catch (error) {
      if (seq !== state.openSeq || state.openId !== id) return;
      state.pendingFocus = null;
      if (error.status === 403 || error.status === 404) closeConversation();
      if (quiet) return;
      if (!fresh && error.status === 403) say("Another caseworker now holds that conversation.", "info");
      else fail(error);
    }
  }

  function clearConversationView() {
    state.openId = null;
    state.open = null;
    state.lastMessageId = 0;
    el.conversation.dataset.id = "";
    el.conversation.dataset.state = "";
    el.convBody.hidden = true;
    el.convNone.hidden = false;
    el.convNone.textContent = "Open a conversation from the queue, or take the most urgent one (n).";
    el.convAlias.textContent = "";
    el.convMeta.replaceChildren();
    el.transcript.replaceChildren();
    el.notes.replaceChildren();
    el.screeningBody.replaceChildren();
    el.reportBody.replaceChildren();
    el.report.hidden = true;
    el.replyText.value = "";
    el.noteText.value = "";
    forgetCannedInsert();
    markOpenInQueue();
  }

  function closeConversation() {
    if (state.openId) state.drafts.delete(state.openId);
    clearConversationView();
    state.openSeq += 1;
    if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  }

  function renderConversation(data, fresh) {
    state.open = data;
    const id = String(data.conversation_id);
    el.conversation.dataset.id = id;
    el.conversation.dataset.state = data.state || "";
    el.convNone.hidden = true;
    el.convBody.hidden = false;
    el.convAlias.textContent = data.alias || id;
    renderMeta(data);
    updateControls();
    if (fresh) {
      el.transcript.setAttribute("aria-busy", "true");
      el.transcript.replaceChildren();
      state.lastMessageId = 0;
    }
    addMessages(Array.isArray(data.messages) ? data.messages : [], true);
    el.transcript.removeAttribute("aria-busy");
    renderNotes(Array.isArray(data.notes) ? data.notes : []);
    renderReports(Array.isArray(data.reports) ? data.reports : []);
    renderScreening(data.screening);
    loadCanned(data.language);
    if (fresh) loadCaseworkers();
    else fillTransfer();
    if (state.catchUpAfterLoad) { state.catchUpAfterLoad = false; catchUp(); }
    if (fresh || state.pendingFocus) {
      const focus = state.pendingFocus;
      state.pendingFocus = null;
      if (focus === "reply" && !el.replyText.disabled) el.replyText.focus();
      else if (focus) el.convAlias.focus();
    }
  }

  function renderMeta(data) {
    const parts = [];
    const tier = tierOf(data.tier);
    const badge = make("span", "tier", tier || "none");
    badge.dataset.tier = tier;
    const field = (label, value, className) => {
      const part = make("span", "meta-item" + (className ? " " + className : ""));
      const shown = value instanceof Node ? value : make("span", "meta-value", value);
      part.append(make("span", "meta-label", label + ": "), shown);
      return part;
    };
    parts.push(field("Tier", badge, "conv-tier"));
    parts.push(field("Language", languageName(data.language), "conv-language"));
    parts.push(field("Channel", data.channel || "—", "conv-channel"));
    parts.push(field("Kind", data.kind || "—", "conv-kind"));
    parts.push(field("State", `${data.state || "—"}${STATES[data.state] ? " (" + STATES[data.state] + ")" : ""}`,
      "conv-state"));
    if (data.state === "assigned") {
      const mine = isMine(data);
      parts.push(field("Held by", mine ? "you" : (data.assignee || "another caseworker"), "conv-holder"));
    }
    if (data.queued_at) {
      const part = make("span", "meta-item");
      part.append(make("span", "meta-label", "Asked for a person: "), timeElement(data.queued_at));
      parts.push(part);
    }
    el.convMeta.replaceChildren();
    appendSpaced(el.convMeta, ...parts);
  }

  function isMine(data) {
    return !!data && !!state.me && data.state === "assigned" && data.assignee_id === state.me.id;
  }

  function updateControls() {
    const data = state.open;
    if (!data) return;
    const mine = isMine(data);
    const mayEnd = data.state === "assigned" && (mine || isSupervisor());
    el.claim.hidden = data.state !== "queued";
    el.release.hidden = !mayEnd;
    el.resolve.hidden = !mayEnd;
    el.transferGroup.hidden = !mayEnd;
    el.replyText.disabled = !mine;
    el.replySend.disabled = !mine;
    el.canned.disabled = !mine;
    let hint;
    if (mine) hint = "Ctrl+Enter sends. The person sees your alias, not your name.";
    else if (data.state === "queued") hint = "Claim this conversation (c) to answer.";
    else if (data.state === "assigned") hint = `${data.assignee || "Another caseworker"} holds this conversation.`;
    else if (data.state === "resolved") hint = "This conversation is resolved.";
    else hint = "The bot is talking with this person.";
    el.replyHint.textContent = hint;
  }

  // Transcript ------------------------------------------------------------------------------------------

  function messageItem(message) {
    const sender = Object.prototype.hasOwnProperty.call(SENDERS, message.sender) ? message.sender : "system";
    const li = make("li", "msg " + sender);
    li.dataset.msgId = String(message.id);
    const head = make("span", "msg-head");
    appendSpaced(head, make("span", "sender", SENDERS[sender]), timeElement(message.created_at));
    const text = make("span", "text", message.text || "");
    text.dir = "auto";
    appendSpaced(li, head, text);
    if (Array.isArray(message.buttons) && message.buttons.length) {
      const offered = make("ul", "offered");
      offered.setAttribute("aria-label", "Buttons offered");
      for (const button of message.buttons) {
        const item = make("li");
        item.append(make("span", "offered-button", button && button.title));
        offered.append(item);
      }
      li.append(offered);
    }
    return li;
  }

  function addMessages(messages, initial) {
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
      state.lastMessageId = Math.max(state.lastMessageId, id);
      added = true;
    }
    if (added && (initial || nearBottom)) box.scrollTop = box.scrollHeight;
  }

  let catchBusy = false;
  let catchAgain = false;

  // New messages of the open conversation, and whether its state changed (no audit event on the server).
  async function catchUp() {
    const id = state.openId;
    if (!id || !state.me) return;
    if (!state.open) { state.catchUpAfterLoad = true; return; }  // the load in flight may miss it
    if (catchBusy) { catchAgain = true; return; }
    catchBusy = true;
    try {
      const data = await api("GET", `/conversations/${enc(id)}/messages?after=${state.lastMessageId}`);
      if (id !== state.openId || !state.open) return;
      addMessages(Array.isArray(data.messages) ? data.messages : [], false);
      backgroundRecovered();
      if (data.state !== state.open.state || (data.assignee || null) !== (state.open.assignee || null)) {
        el.conversation.dataset.state = data.state || "";
        loadConversation(id, false);
      }
    } catch (error) {
      if (id !== state.openId) return;
      if (error.status === 403) {
        closeConversation();
        say("Another caseworker now holds that conversation.", "info");
      } else if (error.status === 404) {
        closeConversation();
        say("That conversation no longer exists.", "info");
      } else {
        failInBackground(error);
      }
    } finally {
      catchBusy = false;
      if (catchAgain) { catchAgain = false; catchUp(); }
    }
  }

  // Reports of a suspicion (bot/report_flow.py) -----------------------------------------------------------

  const REPORT_STEPS = [
    ["noticed", "What they noticed"], ["danger", "Someone in danger now"], ["where", "Where"], ["when", "When"],
    ["place", "Kind of place or work"], ["people", "How many people"], ["minors", "Anyone under 18"],
    ["signs", "Signs"], ["who", "Reported by"], ["contact", "Contact"],
  ];
  const REPORT_CHOICES = {
    yes: "yes", no: "no", unknown: "does not know", today: "today", week: "in the last 7 days",
    earlier: "earlier", massage: "massage clinic", home: "private home / au pair", construction: "construction",
    agriculture: "agriculture", cleaning: "cleaning", restaurant: "restaurant",
    prostitution: "prostitution (street or online)", car_wash: "car wash", other: "other", "1": "one person",
    "2-5": "2 to 5", more_than_5: "more than 5", not_speaking: "others speak for them",
    no_id: "no passport or ID", lives_at_work: "lives at the workplace", escorted: "always escorted",
    injuries: "injuries", long_hours: "very long hours", fearful: "afraid or anxious",
    money_taken: "someone else takes their money", crowded: "many sleep in one place",
    private: "a private person", police: "police (partner)", ngo: "an NGO (partner)",
    union: "a trade union (partner)", health: "health care (partner)", municipality: "a municipality (partner)",
    tax: "the tax authority (partner)", other_work: "other work (partner)",
  };

  function choiceLabel(choice) {
    return Object.prototype.hasOwnProperty.call(REPORT_CHOICES, choice) ? REPORT_CHOICES[choice] : String(choice);
  }

  function ownWords(text) {
    const quote = make("blockquote", "own-words", text);
    quote.dir = "auto";
    return quote;
  }

  function renderReports(reports) {
    el.report.hidden = reports.length === 0;
    el.reportBody.replaceChildren(...reports.map(renderReport));
  }

  function renderReport(report) {
    const box = make("article", "report-item");
    const details = report.details && typeof report.details === "object" ? report.details : {};
    box.append(make("p", "report-progress", report.sent ? "Sent by the reporter." : "Still being written."));
    const facts = make("dl", "facts");
    for (const [step, label] of REPORT_STEPS) {
      const answer = details[step];
      const row = make("div");
      row.dataset.step = step;
      row.append(make("dt", null, label));
      const dd = make("dd");
      if (!answer || typeof answer !== "object") {
        dd.textContent = "—";
      } else {
        const choices = Array.isArray(answer.choices) ? answer.choices : (answer.choice ? [answer.choice] : []);
        if (choices.length) dd.append(make("span", "choice", choices.map(choiceLabel).join(", ")));
        if (answer.words) dd.append(ownWords(answer.words));
        if ((step === "danger" || step === "minors") && (answer.choice === "yes" || answer.words)) {
          row.classList.add("flag", "danger");
        }
      }
      row.append(dd);
      facts.append(row);
    }
    box.append(facts);
    const additions = Array.isArray(report.additions) ? report.additions : [];
    box.append(make("h4", null, additions.length ? "Added later with the reference code" : "Nothing added later"));
    const list = make("ol", "report-additions");
    for (const addition of additions) {
      const item = make("li");
      item.append(make("time", null, new Date(addition.created_at).toLocaleString()), ownWords(addition.text));
      list.append(item);
    }
    box.append(list);
    return box;
  }

  // Screening -------------------------------------------------------------------------------------------

  function renderScreening(screening) {
    const body = el.screeningBody;
    if (!screening || typeof screening !== "object") {
      body.replaceChildren(make("p", "empty", "No screening yet"));
      return;
    }
    const parts = [];
    parts.push(make("p", "screening-progress", screening.finished ? "Screening finished." : "Screening not finished."));
    if (screening.immediate_danger) parts.push(make("p", "flag danger", "Immediate danger reported"));
    if (screening.age_band === "under_18") parts.push(make("p", "flag danger", "Under 18"));

    const facts = make("dl", "facts");
    const fact = (label, value) => {
      const row = make("div");
      row.append(make("dt", null, label));
      const dd = make("dd");
      if (value instanceof Node) dd.append(value); else dd.textContent = value;
      row.append(dd);
      facts.append(row);
      return dd;
    };
    fact("Assessment", humanise(screening.assessment));
    const tier = tierOf(screening.tier);
    const badge = make("span", "tier", tier || "—");
    badge.dataset.tier = tier;
    fact("Tier", badge);
    fact("Age band", AGE_BANDS[screening.age_band] || humanise(screening.age_band));
    const work = fact("Kind of work", humanise(screening.exploitation));
    if (screening.work_words) {
      const quote = make("blockquote", "own-words", screening.work_words);
      quote.dir = "auto";
      work.append(quote);
    }
    fact("Immediate danger", screening.immediate_danger ? "yes" : "no");
    parts.push(facts);

    parts.push(make("h4", null, "Dimensions"));
    const dimensions = make("ul", "dimensions");
    const values = screening.dimensions && typeof screening.dimensions === "object" ? screening.dimensions : {};
    for (const [code, label] of DIMENSIONS) {
      const positive = values[code] === true;
      const li = make("li", positive ? "yes" : "no");
      li.dataset.dimension = code;
      appendSpaced(li, make("abbr", "code", code), make("span", "label", label),
        make("span", "answer", positive ? "yes" : "no"));
      li.querySelector("abbr").title = label;
      dimensions.append(li);
    }
    parts.push(dimensions);

    parts.push(make("h4", null, "Indicators"));
    const answers = screening.answers && typeof screening.answers === "object" ? screening.answers : {};
    const evidence = screening.evidence && typeof screening.evidence === "object" ? screening.evidence : {};
    const found = new Map();
    for (const indicator of Array.isArray(screening.indicators) ? screening.indicators : []) {
      if (indicator && indicator.id !== undefined) found.set(String(indicator.id), indicator);
    }
    const ids = [];
    for (const id of [...Object.keys(answers), ...found.keys(), ...Object.keys(evidence)]) {
      if (!ids.includes(id)) ids.push(id);
    }
    if (!ids.length) {
      parts.push(make("p", "empty", "No questions answered yet."));
    } else {
      const list = make("ol", "indicators");
      for (const id of ids) {
        const indicator = found.get(id);
        const answer = answers[id] !== undefined ? String(answers[id]) : (indicator ? "yes" : "—");
        const li = make("li", "indicator answer-" + (["yes", "no", "unknown"].includes(answer) ? answer : "none"));
        li.dataset.indicator = id;
        const line = make("span", "indicator-line");
        const dimension = indicator && indicator.dimension ? indicator.dimension : id.split("-")[0];
        const weight = indicator && WEIGHTS[indicator.weight] ? ", " + WEIGHTS[indicator.weight] : "";
        appendSpaced(line, make("span", "indicator-id", id), make("span", "indicator-kind", `${dimension}${weight}`),
          make("span", "answer", answer === "unknown" ? "not sure" : answer));
        li.append(line);
        if (evidence[id]) {
          const quote = make("blockquote", "own-words", evidence[id]);
          quote.dir = "auto";
          li.append(quote);
        }
        list.append(li);
      }
      parts.push(list);
    }
    body.replaceChildren(...parts);
  }

  // Notes -------------------------------------------------------------------------------------------------

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

  function renderNotes(notes) {
    el.notes.replaceChildren(...notes.map(noteItem));
    el.notesEmpty.hidden = notes.length > 0;
  }

  async function sendNote() {
    const id = state.openId;
    if (!id || !state.open) { say("Open a conversation first.", "error"); return; }
    const text = el.noteText.value.trim();
    if (!text) { say("Write the note first.", "error"); el.noteText.focus(); return; }
    el.noteSend.disabled = true;
    try {
      const data = await api("POST", `/conversations/${enc(id)}/notes`, { text });
      if (id !== state.openId) return;
      if (data.note && !el.notes.querySelector(`li[data-note-id="${Number(data.note.id)}"]`)) {
        el.notes.append(noteItem(data.note));
      }
      el.notesEmpty.hidden = true;
      el.noteText.value = "";
      say("Note saved.", "info");
    } catch (error) {
      fail(error);
    } finally {
      el.noteSend.disabled = false;
    }
  }

  el.noteForm.addEventListener("submit", (event) => { event.preventDefault(); sendNote(); });

  // Reply and canned responses ----------------------------------------------------------------------------

  async function sendReply() {
    const id = state.openId;
    if (!id || !state.open) { say("Open a conversation first.", "error"); return; }
    if (!isMine(state.open)) { say("Claim the conversation before you answer.", "error"); return; }
    const text = el.replyText.value.trim();
    if (!text) { say("Write the reply first.", "error"); el.replyText.focus(); return; }
    if (el.replySend.dataset.busy) return;
    el.replySend.dataset.busy = "1";
    el.replySend.disabled = true;
    try {
      const data = await api("POST", `/conversations/${enc(id)}/messages`, { text });
      if (id !== state.openId) return;
      if (data.message) addMessages([data.message], true);
      el.replyText.value = "";
      forgetCannedInsert();
      state.drafts.delete(id);
      if (el.status.classList.contains("error")) say("");
    } catch (error) {
      fail(error);
      if (error.status === 409 && id === state.openId) loadConversation(id, false, true);
    } finally {
      delete el.replySend.dataset.busy;
      el.replySend.disabled = !isMine(state.open);
    }
  }

  el.replyForm.addEventListener("submit", (event) => { event.preventDefault(); sendReply(); });

  async function loadCanned(language) {
    if (!language) language = "";
    if (state.cannedLanguage === language && el.canned.options.length) return;
    state.cannedLanguage = language;
    let items = state.canned.get(language);
    if (!items) {
      try {
        const data = await api("GET", `/canned?language=${enc(language)}`);
        items = Array.isArray(data.items) ? data.items : [];
        state.canned.set(language, items);
      } catch (error) {
        state.cannedLanguage = null;
        failInBackground(error);
        items = [];
      }
    }
    if (!state.open || (state.open.language || "") !== language) return;
    const first = make("option", null, items.length
      ? `Canned responses (${language})…` : `No canned responses for “${language}”`);
    first.value = "";
    const options = items.map((item, index) => {
      const text = String(item.text || "");
      const option = make("option", null,
        `${item.short_code}: ${text.length > 70 ? text.slice(0, 69) + "…" : text}`);
      option.value = String(index);
      option.title = text;
      return option;
    });
    el.canned.replaceChildren(first, ...options);
    el.canned.value = "";
  }

  // Choosing a canned response puts its text into the reply box for editing; it is never sent by itself.
  // Choosing another one (arrow keys in the list fire a change for every option) replaces the previous
  // insertion as long as it was not edited. Enter in the list goes on to the reply box.
  let cannedInsert = null;  // {start, text} of the last insertion

  function forgetCannedInsert() {
    cannedInsert = null;
    el.canned.value = "";
  }

  el.canned.addEventListener("change", () => {
    const items = state.canned.get(state.cannedLanguage || "") || [];
    const item = items[Number(el.canned.value)];
    if (!el.canned.value || !item || el.replyText.disabled) return;
    const text = String(item.text || "");
    const box = el.replyText;
    const previous = cannedInsert;
    if (previous && box.value.slice(previous.start, previous.start + previous.text.length) === previous.text) {
      box.setRangeText(text, previous.start, previous.start + previous.text.length, "end");
      cannedInsert = { start: previous.start, text };
      return;
    }
    const start = box.selectionStart ?? box.value.length;
    const end = box.selectionEnd ?? box.value.length;
    const before = box.value.slice(0, start);
    const gap = before && !/\s$/.test(before) ? " " : "";
    box.setRangeText(gap + text, start, end, "end");
    cannedInsert = { start: start + gap.length, text };
  });
  el.canned.addEventListener("keydown", (event) => {
    if (event.key === "Enter") { event.preventDefault(); el.replyText.focus(); }
  });
  el.replyText.addEventListener("input", forgetCannedInsert);

  // Claim, release, resolve, transfer ---------------------------------------------------------------------

  let acting = false;

  async function act(work) {
    if (acting) return;
    acting = true;
    for (const button of [el.claim, el.release, el.resolve, el.transfer, el.claimNext]) button.disabled = true;
    try {
      await work();
    } catch (error) {
      fail(error);
    } finally {
      acting = false;
      for (const button of [el.claim, el.release, el.resolve, el.transfer, el.claimNext]) button.disabled = false;
    }
  }

  function claimNext() {
    return act(async () => {
      const data = await api("POST", "/queue/next");
      refreshQueue();
      if (data.conversation_id === null || data.conversation_id === undefined) {
        say("Nobody is waiting right now.", "info");
        return;
      }
      say("You hold this conversation now; the person has been told that someone joined.", "info");
      openConversation(String(data.conversation_id), "reply");
    });
  }

  function claimOpen() {
    const id = state.openId;
    if (!id || !state.open) { say("Open a conversation first.", "error"); return Promise.resolve(); }
    if (isMine(state.open)) { say("You already hold this conversation.", "info"); el.replyText.focus(); return Promise.resolve(); }
    return act(async () => {
      try {
        await api("POST", `/conversations/${enc(id)}/claim`);
      } catch (error) {
        fail(error);
        if (error.status === 409 && id === state.openId) loadConversation(id, false, true);
        refreshQueue();
        return;
      }
      say("You hold this conversation now; the person has been told that someone joined.", "info");
      refreshQueue();
      if (id === state.openId) {
        state.pendingFocus = "reply";
        await loadConversation(id, false);
      }
    });
  }

  // After release, resolve or transfer a caseworker may no longer open the conversation; a supervisor may.
  async function afterEnding(id) {
    refreshQueue();
    if (id !== state.openId) return;
    if (isSupervisor()) await loadConversation(id, false);
    else closeConversation();
  }

  function mayEnd() {
    if (!state.openId || !state.open) { say("Open a conversation first.", "error"); return false; }
    if (state.open.state !== "assigned" || !(isMine(state.open) || isSupervisor())) {
      say("You do not hold this conversation.", "error");
      return false;
    }
    return true;
  }

  function releaseOpen() {
    if (!mayEnd()) return Promise.resolve();
    const id = state.openId;
    return act(async () => {
      await api("POST", `/conversations/${enc(id)}/release`);
      say("Given back to the bot; the person has been told.", "info");
      state.drafts.delete(id);
      await afterEnding(id);
    });
  }

  function resolveOpen() {
    if (!mayEnd()) return Promise.resolve();
    const id = state.openId;
    const alias = state.open.alias || id;
    if (!window.confirm(`Resolve the conversation with ${alias}? The person is told that it is closed; `
      + "their next message starts a new conversation.")) return Promise.resolve();
    return act(async () => {
      await api("POST", `/conversations/${enc(id)}/resolve`);
      say("Resolved; the person has been told.", "info");
      state.drafts.delete(id);
      await afterEnding(id);
    });
  }

  function transferOpen() {
    if (!mayEnd()) return Promise.resolve();
    const id = state.openId;
    const target = Number(el.transferTo.value);
    if (!el.transferTo.value || !Number.isInteger(target)) {
      say("Choose the caseworker to transfer to.", "error");
      el.transferTo.focus();
      return Promise.resolve();
    }
    return act(async () => {
      const data = await api("POST", `/conversations/${enc(id)}/transfer`, { caseworker_id: target });
      say(`Transferred to ${data.assignee || "the chosen caseworker"}.`, "info");
      el.transferTo.value = "";
      await afterEnding(id);
    });
  }

  async function loadCaseworkers() {
    if (!state.me) return;
    try {
      const data = await api("GET", "/caseworkers");
      state.caseworkers = Array.isArray(data.items) ? data.items : [];
      fillTransfer();
    } catch (error) {
      failInBackground(error);
    }
  }

  function fillTransfer() {
    if (!state.me) return;
    const chosen = el.transferTo.value;
    const first = make("option", null, "Choose a caseworker…");
    first.value = "";
    const options = [first];
    const people = state.caseworkers.filter((person) => person.id !== state.me.id || isSupervisor())
      .filter((person) => !state.open || person.id !== state.open.assignee_id)
      .sort((a, b) => Number(!!b.online) - Number(!!a.online) || String(a.name).localeCompare(String(b.name)));
    for (const person of people) {
      const you = person.id === state.me.id ? ", you" : "";
      const option = make("option", null,
        `${person.name} (${person.alias}${you}) — ${person.online ? "online" : "offline"}`);
      option.value = String(person.id);
      options.push(option);
    }
    el.transferTo.replaceChildren(...options);
    el.transferTo.value = options.some((option) => option.value === chosen) ? chosen : "";
  }

  el.claimNext.addEventListener("click", () => claimNext());
  el.claim.addEventListener("click", () => claimOpen());
  el.release.addEventListener("click", () => releaseOpen());
  el.resolve.addEventListener("click", () => resolveOpen());
  el.transfer.addEventListener("click", () => transferOpen());

  // Keyboard shortcuts ------------------------------------------------------------------------------------

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    return ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || target.isContentEditable;
  }

  document.addEventListener("keydown", (event) => {
    if (!state.me || el.console.hidden) return;
    const target = event.target;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      if (target === el.replyText) { event.preventDefault(); sendReply(); }
      else if (target === el.noteText) { event.preventDefault(); sendNote(); }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || event.defaultPrevented) return;
    if (isTyping(target)) return;
    switch (event.key) {
      case "n": event.preventDefault(); claimNext(); break;
      case "c": event.preventDefault(); claimOpen(); break;
      case "r": event.preventDefault(); releaseOpen(); break;
      case "d": event.preventDefault(); resolveOpen(); break;
      case "t":
        event.preventDefault();
        if (state.open && !el.transferGroup.hidden) el.transferTo.focus();
        else say("You can transfer only a conversation you hold.", "error");
        break;
      case "/":
        event.preventDefault();
        if (state.open && !el.replyText.disabled) el.replyText.focus();
        else say(state.open ? "Claim the conversation (c) before you answer." : "Open a conversation first.",
          "error");
        break;
      case "j": event.preventDefault(); moveSelection(1); break;
      case "k": event.preventDefault(); moveSelection(-1); break;
      case "Enter": {
        if (target && target.closest && target.closest("button, a, summary, [role=button]")) return;
        const li = state.selectedId ? findItem(state.selectedId) : null;
        if (li) { event.preventDefault(); openConversation(li.dataset.id); }
        break;
      }
      default:
    }
  });

  // Login, logout, start ----------------------------------------------------------------------------------

  function showLogin() {
    disconnect();
    for (const timer of state.timers) clearInterval(timer);
    state.timers = [];
    state.me = null;
    state.waiting = [];
    state.held = [];
    state.queueLoaded = false;
    state.selectedId = null;
    state.canned.clear();
    state.cannedLanguage = null;
    state.caseworkers = [];
    state.drafts.clear();
    state.openSeq += 1;
    clearConversationView();
    el.queue.replaceChildren();
    el.held.replaceChildren();
    el.canned.replaceChildren();
    el.transferTo.replaceChildren();
    el.online.textContent = "";
    el.whoami.textContent = "";
    document.title = "havn console";
    el.loading.hidden = true;
    el.console.hidden = true;
    el.logout.hidden = true;
    el.login.hidden = false;
    if (!el.login.contains(document.activeElement)) el.username.focus();
  }

  function loggedIn(me) {
    state.me = me;
    el.whoami.textContent = `${me.name} (${me.role})`;
    el.heldTitle.textContent = isSupervisor() ? "Held (everyone)" : "Held by you";
    el.loading.hidden = true;
    el.login.hidden = true;
    el.console.hidden = false;
    el.logout.hidden = false;
    updateAlertsButton();
    for (const timer of state.timers) clearInterval(timer);
    state.timers = [
      setInterval(tick, 1000),
      setInterval(() => { refreshQueue(); catchUp(); }, SAFETY_REFRESH),
    ];
    connect();
    refreshQueue();
    loadCaseworkers();
    openFromHash();
  }

  el.loginForm.addEventListener("submit", async (event) => {
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
      loggedIn(data.caseworker);
    } catch (error) {
      fail(error);
      el.password.select();
    } finally {
      el.loginSubmit.disabled = false;
    }
  });

  el.logout.addEventListener("click", async () => {
    el.logout.disabled = true;
    try {
      await api("POST", "/logout");
      if (location.hash) history.replaceState(null, "", location.pathname + location.search);
      showLogin();
      say("You are logged out.", "info");
    } catch (error) {
      fail(error);
    } finally {
      el.logout.disabled = false;
    }
  });

  window.addEventListener("hashchange", openFromHash);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && state.me) { refreshQueue(); catchUp(); }
  });

  async function start() {
    try {
      const me = await api("GET", "/me");
      loggedIn(me);
    } catch (error) {
      if (error.loggedOut) return;  // the login form shows
      fail(error);
      el.loading.textContent = "Trying again…";
      setTimeout(start, 5000);
    }
  }

  updateAlertsButton();
  start();
})();
