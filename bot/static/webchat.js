// The web chat page: talks to the JSON API, keeps the session only in this tab (sessionStorage) and sends it
// in the X-Havn-Session header, shows every text with textContent (never as HTML), polls for a caseworker's
// replies, and starts a new chat kindly when the server has ended the session.
"use strict";
(function () {
  const strings = JSON.parse(document.getElementById("strings").textContent);
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const status = document.getElementById("status");
  let session = sessionStorage.getItem("havn-session");
  let lastId = 0;  // the last id the server showed this session (ids are opaque: only the server orders them)
  let seen = new Set();  // ids already on the page; after a reload, the first poll shows the conversation again
  // Sessions the server ended for a pause or their age: their conversations still exist until retention, and
  // the Delete button erases them too.
  let stale = JSON.parse(sessionStorage.getItem("havn-stale") || "[]");
  let busy = false;
  const DANGER_PAYLOADS = new Set(["danger", "report_danger:yes"]);  // core/vocabulary.py Command.DANGER, bot/reporting.py
  const DELETE_CONFIRMED = "delete_yes";  // core/vocabulary.py Command.DELETE_CONFIRMED

  function show(message) {
    if (message.id && seen.has(message.id)) return;
    const item = document.createElement("li");
    item.className = "msg " + message.sender;
    item.textContent = message.text;
    if (message.buttons && message.buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      for (const button of message.buttons) {
        const element = document.createElement("button");
        element.type = "button";
        element.textContent = button.title;
        // "I am in danger now" / "Someone is in danger now" stand out, so that a frightened person finds them.
        if (DANGER_PAYLOADS.has(button.payload)) element.className = "danger";
        element.addEventListener("click", () => send({ payload: button.payload }, button.title));
        row.appendChild(element);
      }
      item.appendChild(row);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
    if (message.id) { seen.add(message.id); lastId = message.id; }
  }

  // A refused session (401: deleted, quiet too long, too old) is not an error for the person: the page forgets
  // it and the next message starts a new chat. The session travels in a header, never in a URL (URLs are logged).
  class SessionEnded extends Error {}

  async function api(method, path, body, token = session) {
    const headers = body ? { "Content-Type": "application/json" } : {};
    if (token) headers["X-Havn-Session"] = token;
    const response = await fetch(path, {
      method, headers, body: body ? JSON.stringify(body) : undefined, cache: "no-store",
    });
    const data = await response.json().catch(() => ({}));
    if (response.status === 401 && path !== "/api/webchat/sessions") throw new SessionEnded(data.error);
    // 410: this page is older than the server's contract; the server's sentence says to reload it.
    if (!response.ok) throw new Error(data.error || strings.error);
    return data;
  }

  function forget(keepForDelete) {
    if (keepForDelete && session) {
      stale.push(session);
      sessionStorage.setItem("havn-stale", JSON.stringify(stale));
    }
    sessionStorage.removeItem("havn-session");
    session = null;
    lastId = 0;
    seen = new Set();
  }

  function ended() {
    forget(true);
    show({ sender: "system", text: strings.session_ended });  // says that a new chat starts, and shows 112
  }

  async function ensureSession() {
    if (!session) {
      session = (await api("POST", "/api/webchat/sessions")).session;
      sessionStorage.setItem("havn-session", session);
    }
    return session;
  }

  async function post(body) {
    await ensureSession();
    const data = await api("POST", "/api/webchat/messages", body);
    data.messages.forEach(show);
    if (data.limited) giveBack(body);  // over a rate limit: not read, not kept (the reply says so, with 112)
    if (data.ended) forget(false);  // deleted from the chat itself: this session is done, the next message starts anew
  }

  async function send(body, shown) {
    if (busy) return;
    busy = true;
    status.textContent = "";
    show({ sender: "user", text: shown });
    try {
      try {
        await post(body);
      } catch (error) {
        if (!(error instanceof SessionEnded)) throw error;
        if (body.payload === DELETE_CONFIRMED) {
          await erase();  // "yes, delete" from a quiet session: a new chat would delete nothing, the old one may
          return;
        }
        ended();  // the message is not lost: it is sent again, in a new chat
        await post(body);
      }
    } catch (error) {
      status.textContent = error.message;
      giveBack(body);
    } finally {
      busy = false;
    }
  }

  // What was typed but not taken goes back into the input box, so that nothing is lost.
  function giveBack(body) {
    if (body.text && !input.value) input.value = body.text;
  }

  async function poll() {
    if (session && !busy) {
      try {
        const data = await api("GET", `/api/webchat/messages?after=${lastId}`);
        data.messages.forEach(show);
      } catch (error) {
        if (error instanceof SessionEnded) ended();
        /* otherwise offline for a moment: the next poll catches up */
      }
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text }, text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  // Quick exit: forget this tab's state and replace the history entry, so Back does not return here.
  document.getElementById("quick-exit").addEventListener("click", () => {
    sessionStorage.clear();
    log.replaceChildren();
    window.location.replace(strings.exit_url);
  });

  document.getElementById("delete").addEventListener("click", async () => {
    if (!window.confirm(strings.delete_confirm)) return;
    await erase().catch((error) => { status.textContent = error.message; });
  });

  // Deleting works even after the session went quiet or old (only a deleted one is refused): it is a right.
  async function erase() {
    for (const token of [...stale, session].filter(Boolean)) {
      try { await api("DELETE", "/api/webchat/session", undefined, token); }
      catch (error) {
        // 401: that session was already deleted, so nothing of it is left to delete.
        if (!(error instanceof SessionEnded)) throw error;
      }
    }
    sessionStorage.clear();
    stale = [];
    forget(false);
    log.replaceChildren();
    show({ sender: "system", text: strings.deleted });
  }

  if (session) poll();
  setInterval(poll, 3000);
})();
