// Live updates: the WebSocket (handover/hub.py) carries ids and states only, never words; on an event the
// console fetches what changed. It pings for presence and reconnects with a growing pause. The socket lives
// as long as the session that opened it: the server closes it with SESSION_ENDED (logged out, here or in
// another tab; expired; account made inactive), and the login form shows at once, or with ROLE_CHANGED, and
// the page starts again with what the new role may see. With several app instances, the events of the others
// come through Redis; while that relay is down the server says so ({"type": "relay", "polling": true}) and the
// page fetches the queue and the open conversation every few seconds until it is back.
import { API, api, sessionEnded } from "./api.js";
import { ring } from "./alerts.js";
import { catchUp, loadConversation, markDanger, showErased } from "./conversation.js";
import { el } from "./dom.js";
import { dropFromQueue, refreshQueue, scheduleQueueRefresh } from "./queue.js";
import { isSupervisor, session, view } from "./state.js";
import { say } from "./status.js";
import { t } from "./words.js";

const PING_EVERY = 20000;  // ms: presence, the server counts a console as online while it pings
const MAX_BACKOFF = 30000;  // ms between reconnects at most
const POLL_WHILE_DEGRADED = 3000;  // ms: the relay between instances is down, events may not come
const SESSION_ENDED = 4401;  // close codes: handover/hub.py
const ROLE_CHANGED = 4403;

const live = { socket: null, wanted: false, retry: 0, reconnectTimer: 0, pingTimer: 0, pollTimer: 0 };

function setLive(state) {
  el.live.textContent = t(`live.${state}`);
  el.live.dataset.state = state;
}

function refresh() {
  refreshQueue();
  catchUp();
}

// Fetch every few seconds while the server says the relay is down (other instances' events do not come). Off
// when the socket closes: the reconnect refreshes anyway, and the new socket says again if the relay is still down.
function setPolling(on) {
  clearInterval(live.pollTimer);
  live.pollTimer = 0;
  if (on) live.pollTimer = setInterval(refresh, POLL_WHILE_DEGRADED);
}

export function connect() {
  if (!session.me) return;
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
  if (el.live.dataset.state !== "reconnecting") setLive("connecting");
  socket.addEventListener("open", () => {
    if (live.socket !== socket) return;
    live.retry = 0;
    setLive("live");
    clearInterval(live.pingTimer);
    live.pingTimer = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
    }, PING_EVERY);
    refresh();  // whatever happened while the socket was down
  });
  socket.addEventListener("message", (message) => {
    let event;
    try { event = JSON.parse(message.data); } catch (error) { return; }
    handleEvent(event);
  });
  socket.addEventListener("close", (event) => {
    if (live.socket !== socket) return;
    live.socket = null;
    clearInterval(live.pingTimer);
    setPolling(false);
    if (event.code === SESSION_ENDED) sessionEnded();
    else if (event.code === ROLE_CHANGED) location.reload();
    else if (live.wanted && session.me) scheduleReconnect();
    else setLive("offline");
  });
}

function scheduleReconnect() {
  setLive("reconnecting");
  const delay = Math.min(MAX_BACKOFF, 1000 * 2 ** live.retry);
  live.retry = Math.min(live.retry + 1, 10);
  clearTimeout(live.reconnectTimer);
  live.reconnectTimer = setTimeout(async () => {
    if (!live.wanted || !session.me) return;
    try {
      await api("GET", "/me");  // a closed socket may mean the session ended: then the login form shows
    } catch (error) {
      if (!error.loggedOut) scheduleReconnect();
      return;
    }
    connect();
  }, delay);
}

export function disconnect() {
  live.wanted = false;
  clearTimeout(live.reconnectTimer);
  clearInterval(live.pingTimer);
  setPolling(false);
  const socket = live.socket;
  live.socket = null;
  if (socket) socket.close();
  setLive("offline");
}

// The event types are core/vocabulary.py's EventType.
function handleEvent(event) {
  if (!event || typeof event !== "object" || !session.me) return;
  const id = event.conversation_id === undefined || event.conversation_id === null
    ? null : String(event.conversation_id);
  const isOpen = id !== null && id === view.openId;
  if (event.type === "relay") {
    setPolling(event.polling === true);
    setLive(event.polling === true ? "polling" : "live");
    if (event.polling !== true) refresh();  // events missed while the relay was down
  } else if (event.type === "queue") {
    if (event.urgent === true) ring(event.tier, id);
    scheduleQueueRefresh();
    if (isOpen) catchUp();  // claimed, released, resolved: catchUp sees the new state
  } else if (event.type === "message") {
    if (isOpen) catchUp();
    scheduleQueueRefresh();
  } else if (event.type === "delivery") {
    if (isOpen) catchUp();  // a message to the person was sent, is retried or failed: its mark changes
  } else if (event.type === "conversation") {
    scheduleQueueRefresh();
    if (isOpen) loadConversation(id, false);
  } else if (event.type === "alert" && event.reason === "p1_spike") {
    // Many P1s in a short time (handover/requests.py): they are in the queue at P1, but the consoles do not ring
    // for each; supervisors get this one ring.
    if (isSupervisor()) ring("P1", "p1-spike");
    say(t("live.p1_spike"), "urgent");
    scheduleQueueRefresh();
  } else if (event.type === "erased" && id !== null) {
    // The person deleted it (handover/retention.py): out of the lists at once; open, it says so and takes no input.
    // Said aloud (the status line) to whoever held it or had it open; a waiting one just leaves the queue.
    const held = dropFromQueue(id);
    const open = showErased(id);
    if (held !== null || open !== null) say(t("live.erased", { alias: open || held }), "urgent");
    scheduleQueueRefresh();
  } else if (event.type === "danger") {
    // Danger words in a conversation someone holds: it is P1 now and the bot has already sent 112.
    ring(event.tier, id);
    markDanger(id);
    say(t("live.danger"), "urgent");
    scheduleQueueRefresh();
    if (isOpen) catchUp();
  }
}
