// The web chat page: talks to the JSON API, keeps the session only in this tab (sessionStorage),
// shows every text with textContent (never as HTML), polls for a caseworker's replies.
"use strict";
(function () {
  const strings = JSON.parse(document.getElementById("strings").textContent);
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const status = document.getElementById("status");
  let session = sessionStorage.getItem("havn-session");
  let lastId = 0;  // after a reload, the first poll shows the conversation again
  let busy = false;
  const DANGER_PAYLOADS = new Set(["danger", "report_danger:yes"]);  // core/vocabulary.py Command.DANGER, bot/reporting.py

  function show(message) {
    if (message.id && message.id <= lastId) return;
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
    if (message.id) lastId = message.id;
  }

  async function api(method, path, body) {
    const response = await fetch(path, {
      method, headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined, cache: "no-store",
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || strings.error);
    return data;
  }

  async function ensureSession() {
    if (!session) {
      session = (await api("POST", "/api/webchat/sessions")).session;
      sessionStorage.setItem("havn-session", session);
    }
    return session;
  }

  async function send(body, shown) {
    if (busy) return;
    busy = true;
    status.textContent = "";
    show({ sender: "user", text: shown });
    try {
      const id = await ensureSession();
      const data = await api("POST", `/api/webchat/sessions/${encodeURIComponent(id)}/messages`, body);
      data.messages.forEach(show);
      if (data.limited) giveBack(body);  // over a rate limit: not read, not kept (the reply says so, with 112)
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
        const data = await api("GET", `/api/webchat/sessions/${encodeURIComponent(session)}/messages?after=${lastId}`);
        data.messages.forEach(show);
      } catch (error) { /* offline for a moment: the next poll catches up */ }
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
    if (session) {
      try { await api("DELETE", `/api/webchat/sessions/${encodeURIComponent(session)}`); }
      catch (error) { status.textContent = error.message; return; }
    }
    sessionStorage.clear();
    session = null;
    lastId = 0;
    log.replaceChildren();
    show({ sender: "system", text: strings.deleted });
  });

  if (session) poll();
  setInterval(poll, 3000);
})();
