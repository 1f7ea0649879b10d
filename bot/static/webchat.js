// The web chat page: talks to the JSON API, keeps the session only in this tab (sessionStorage) and sends it
// in the X-Havn-Session header, shows every text with textContent (never as HTML), polls for a caseworker's
// replies, and starts a new chat kindly when the server has ended the session.
// Nothing typed is lost: messages wait in a queue and go one after the other, in order; a message the network
// did not take is tried again, then marked "not sent" with a button to try again.
// The page speaks the conversation's language: a reply may carry the page's own words in it (bot/channels/
// webchat_page.py), and then the header, the 112 line, the placeholder, `lang` and `dir` change.
// Clear voices: a caseworker's message says who wrote it ("Anna · from the centre"); once the person answers,
// the buttons of earlier messages are disabled, so that a second tap cannot repeat a reply; a reply that
// `replaces` (the report's sign list, a mark toggled) takes the place of the list; a report's reference code
// comes in a box of its own with a Copy button.
"use strict";
(function () {
  const strings = JSON.parse(document.getElementById("strings").textContent);
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const status = document.getElementById("status");
  const quickExit = document.getElementById("quick-exit");
  let session = sessionStorage.getItem("havn-session");
  let lastId = 0;  // the last id the server showed this session (ids are opaque: only the server orders them)
  let seen = new Set();  // ids already on the page; after a reload, the first poll shows the conversation again
  // Sessions the server ended for a pause or their age: their conversations still exist until retention, and
  // the Delete button erases them too.
  let stale = JSON.parse(sessionStorage.getItem("havn-stale") || "[]");
  const queue = [];  // {body, item}: what the person sent and the server has not taken yet, oldest first
  let sending = false;
  const DANGER_PAYLOADS = new Set(["danger", "report_danger:yes"]);  // core/vocabulary.py Command.DANGER, bot/reporting.py
  const DELETE_CONFIRMED = "delete_yes";  // core/vocabulary.py Command.DELETE_CONFIRMED
  const RETRY_DELAYS = [1000, 2000, 4000];  // ms before each new try when the network failed
  const ESCAPE_TWICE_MS = 1500;

  // Phone numbers (content/facts.yml) as tel: links, each in a left-to-right <bdi>, so that in a right-to-left
  // text "+45 70 20 25 50" keeps its order. Only text nodes and elements: nothing is parsed as HTML.
  function withNumbers(parent, text) {
    const numbers = Object.keys(strings.numbers).sort((a, b) => b.length - a.length);
    let rest = text;
    while (rest) {
      let at = -1;
      let found = null;
      for (const number of numbers) {
        const index = standalone(rest, number);
        if (index >= 0 && (at < 0 || index < at)) { at = index; found = number; }
      }
      if (found === null) { parent.append(rest); return; }
      parent.append(rest.slice(0, at));
      const link = document.createElement("a");
      link.href = strings.numbers[found];
      const isolated = document.createElement("bdi");
      isolated.dir = "ltr";
      isolated.textContent = found;
      link.appendChild(isolated);
      parent.appendChild(link);
      rest = rest.slice(at + found.length);
    }
  }

  // Where `number` occurs with no digit touching it ("112" is not in "1120"), or -1 (webchat_page.number_parts).
  function standalone(text, number) {
    const digit = /\d/;
    for (let index = text.indexOf(number); index >= 0; index = text.indexOf(number, index + 1)) {
      const before = text[index - 1], after = text[index + number.length];
      if (!(before && digit.test(before)) && !(after && digit.test(after))) return index;
    }
    return -1;
  }

  function show(message) {
    if (message.id && seen.has(message.id)) return null;
    const item = document.createElement("li");
    item.className = "msg " + message.sender;
    item.dir = "auto";  // each bubble in its own direction: an English answer on an Arabic page, and back
    if (message.author) {  // a caseworker: who writes, in the page's language
      const author = document.createElement("span");
      author.className = "author";
      author.textContent = strings.from_centre.replace("{alias}", message.author);
      item.appendChild(author);
    }
    if (message.sender === "user") item.append(message.text);
    else withNumbers(item, message.text);
    if (message.code) item.appendChild(codeBox(message.code));
    if (message.buttons && message.buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      for (const button of message.buttons) {
        const element = document.createElement("button");
        element.type = "button";
        element.textContent = button.title;
        element.value = button.payload;  // as the buttons the server renders (the start menu, the form)
        // "I am in danger now" / "Someone is in danger now" stand out, so that a frightened person finds them.
        if (DANGER_PAYLOADS.has(button.payload)) element.className = "danger";
        element.addEventListener("click", () => send({ payload: button.payload }, button.title, element));
        row.appendChild(element);
      }
      item.appendChild(row);
    }
    // The sign list with a mark toggled takes the place of the list that was tapped: the last message with
    // buttons (the person can only have tapped that one; the others' buttons are disabled).
    const replaced = message.replaces ? [...log.querySelectorAll("li.msg:not(.user)")].reverse()
      .find((bubble) => bubble.querySelector(".buttons")) : null;
    if (replaced) replaced.replaceWith(item);
    else log.appendChild(item);
    item.scrollIntoView({ block: "end" });
    if (message.id) { seen.add(message.id); lastId = message.id; }
    return item;
  }

  // A report's reference code, large, with a Copy button; where the clipboard is not allowed (an old browser,
  // a page not served over HTTPS) the code is selected, for the phone's own Copy.
  function codeBox(code) {
    const box = document.createElement("div");
    box.className = "code-box";
    const label = document.createElement("span");
    label.className = "code-label";
    label.textContent = strings.code_label;
    const value = document.createElement("bdi");
    value.className = "code";
    value.dir = "ltr";
    value.textContent = code;
    const copy = document.createElement("button");
    copy.type = "button";
    copy.className = "copy";
    copy.textContent = strings.copy;
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(code);
        copy.textContent = strings.copied;
      } catch (error) {
        const range = document.createRange();
        range.selectNodeContents(value);
        window.getSelection().removeAllRanges();
        window.getSelection().addRange(range);
      }
    });
    box.append(label, value, copy);
    return box;
  }

  // The person answered: the buttons on the page so far are done (disabled, not removed: what was offered stays
  // readable). The one pressed stays marked. The replies bring their own.
  function answered(pressed) {
    for (const button of log.querySelectorAll(".buttons button")) button.disabled = true;
    if (pressed) pressed.classList.add("chosen");
  }

  // The page's own words in the conversation's language (sent by the server when it differs from ours).
  function speak(page) {
    if (!page || page.language === strings.language) return;
    Object.assign(strings, page);
    document.documentElement.lang = page.language;
    document.documentElement.dir = page.direction;
    document.title = strings.title;
    for (const element of document.querySelectorAll("[data-word]")) element.textContent = strings[element.dataset.word];
    input.placeholder = strings.input_label;
    form.setAttribute("aria-label", strings.input_label);
    quickExit.title = strings.quick_exit_hint;
    document.getElementById("log-region").setAttribute("aria-label", strings.title);
    const safety = document.getElementById("safety");
    safety.replaceChildren();
    withNumbers(safety, strings.safety_line);
    for (const retry of document.querySelectorAll(".retry")) retry.textContent = strings.not_sent;
  }

  // A refused session (401: deleted, quiet too long, too old) is not an error for the person: the page forgets
  // it and the next message starts a new chat. The session travels in a header, never in a URL (URLs are logged).
  class SessionEnded extends Error {}
  // The server answered with a refusal that trying again will not change (400, 410…).
  class Refused extends Error {}

  async function api(method, path, body, token = session) {
    const headers = { "X-Havn-Language": strings.language };
    if (body) headers["Content-Type"] = "application/json";
    if (token) headers["X-Havn-Session"] = token;
    const response = await fetch(path, {
      method, headers, body: body ? JSON.stringify(body) : undefined, cache: "no-store",
    });
    const data = await response.json().catch(() => ({}));
    if (response.status === 401 && path !== "/api/webchat/sessions") throw new SessionEnded(data.error);
    // 410: this page is older than the server's contract; the server's sentence says to reload it.
    if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      throw new Refused(data.error || strings.error);
    }
    // 429, 5xx: worth another try. A 429's sentence is in the person's language; a 5xx's is the server's
    // English, so the page says it in its own words (with 112) instead.
    if (!response.ok) throw new Error(response.status < 500 && data.error || strings.error);
    speak(data.page);
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
      // The outreach card's source, if the page was opened with one: counted once, for this new session.
      const start = strings.source ? { source: strings.source } : undefined;
      session = (await api("POST", "/api/webchat/sessions", start)).session;
      sessionStorage.setItem("havn-session", session);
    }
    return session;
  }

  // One message to the server; true when it was taken, false when a rate limit refused it (not read, not kept).
  async function post(body, item) {
    await ensureSession();
    // An outreach card's language: the hint for the conversation's language, weaker than what is written.
    const data = await api("POST", "/api/webchat/messages",
      strings.link_language ? { ...body, language: strings.link_language } : body);
    // A tap answered in place (a sign marked) needs no bubble of its own: the mark shows what was tapped. The
    // focus goes back to that button in the new list, so that the keyboard goes on where it was.
    if (data.messages.some((message) => message.replaces)) item?.remove();
    for (const message of data.messages) {
      const shown = show(message);
      if (message.replaces && shown && body.payload) {
        [...shown.querySelectorAll(".buttons button")].find((b) => b.value === body.payload)?.focus();
      }
    }
    if (data.ended) forget(false);  // deleted from the chat itself: this session is done, the next message starts anew
    return !data.limited;  // over a rate limit the reply says so, with 112
  }

  // One message, with a new chat if the server ended the old one and a few tries if the network fails.
  async function deliver(body, item) {
    for (let attempt = 0; ; attempt++) {
      try {
        try {
          return await post(body, item);
        } catch (error) {
          if (!(error instanceof SessionEnded)) throw error;
          if (body.payload === DELETE_CONFIRMED) {
            await erase();  // "yes, delete" from a quiet session: a new chat would delete nothing, the old one may
            return true;
          }
          ended();  // the message is not lost: it is sent again, in a new chat
          return await post(body, item);
        }
      } catch (error) {
        if (error instanceof Refused || attempt >= RETRY_DELAYS.length) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS[attempt]));
      }
    }
  }

  function send(body, shown, pressed) {
    status.textContent = "";
    answered(pressed);
    const item = show({ sender: "user", text: shown });
    item.classList.add("pending");
    queue.push({ body, item });
    pump();
  }

  // Sends what waits, oldest first, one at a time: the server sees the messages in the order they were written.
  // A message the network or a limit did not take stops the queue (the ones after it wait) until the person
  // taps "try again", sends something new, or the browser is online again. One the server refused for good
  // (a 4xx: an unknown button…) leaves the queue, so it does not hold up the others; a tap queues it again.
  async function pump() {
    if (sending) return;
    sending = true;
    try {
      while (queue.length) {
        const entry = queue[0];
        unmark(entry.item);
        let taken = false;
        let refused = false;
        try {
          taken = await deliver(entry.body, entry.item);
        } catch (error) {
          status.textContent = error.message;
          refused = error instanceof Refused;
        }
        if (taken) {
          entry.item.classList.remove("pending");
          queue.shift();
        } else if (refused) {
          queue.shift();
          markNotSent(entry);
        } else {
          markNotSent(entry);
          break;
        }
      }
    } finally {
      sending = false;
    }
  }

  function markNotSent(entry) {
    entry.item.classList.add("failed");
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "retry";
    retry.textContent = strings.not_sent;
    retry.addEventListener("click", () => {
      status.textContent = "";
      if (!queue.includes(entry)) queue.push(entry);
      pump();
    });
    entry.item.appendChild(retry);
    retry.scrollIntoView({ block: "end" });
  }

  function unmark(item) {
    item.classList.remove("failed");
    item.querySelector(".retry")?.remove();
  }

  async function poll() {
    if (session && !sending) {
      try {
        const data = await api("GET", `/api/webchat/messages?after=${lastId}`);
        data.messages.forEach(show);
        if (reloaded && data.messages.length) settle();
      } catch (error) {
        if (error instanceof SessionEnded) ended();
        /* otherwise offline for a moment: the next poll catches up */
      }
    }
  }

  // The longest message the server takes (core/messages.py MAX_TEXT, in characters). The box no longer cuts a
  // long text silently at its maxlength (found walking the chat: 8,760 typed, 4,096 kept, nothing said): over the
  // limit the page says, in its language, the sentence the server would answer, with the count, and keeps the
  // text for the person to send in parts. The form without JavaScript keeps its maxlength.
  const MAX_TEXT = Number(input.getAttribute("maxlength")) || 4096;
  input.removeAttribute("maxlength");
  function tooLongLine(count) {
    const number = (value) => value.toLocaleString(strings.language);
    return `${strings.too_long} (${number(count)} / ${number(MAX_TEXT)})`;
  }
  function checkLength() {
    const count = [...input.value].length;  // characters, as the server counts them, not UTF-16 units
    if (count <= MAX_TEXT) {
      input.removeAttribute("aria-invalid");
      if (status.textContent.startsWith(strings.too_long)) status.textContent = "";
      return true;
    }
    input.setAttribute("aria-invalid", "true");
    status.textContent = tooLongLine(count);
    return false;
  }
  input.addEventListener("input", checkLength);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || !checkLength()) return;
    input.value = "";
    send({ text }, text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });

  // Quick exit: forget this tab's state and replace the history entry, so Back does not return here. Without
  // JavaScript it is still a plain link to the same neutral page.
  function leave() {
    sessionStorage.clear();
    log.replaceChildren();
    input.value = "";
    // First the entry itself becomes plain "/" (its title is neutral already), without whatever query or
    // fragment the link that led here carried: that is what stays should the neutral page be slow or not load.
    history.replaceState(null, "", "/");
    window.location.replace(strings.exit_url);
  }
  quickExit.addEventListener("click", (event) => { event.preventDefault(); leave(); });
  let lastEscape = 0;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const now = Date.now();
    if (now - lastEscape < ESCAPE_TWICE_MS) leave();
    lastEscape = now;
  });

  document.getElementById("delete").addEventListener("click", async (event) => {
    event.preventDefault();  // a submit button for the page without JavaScript
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
    queue.length = 0;  // what had not gone yet is part of what the person deleted
    forget(false);
    log.replaceChildren();
    show({ sender: "system", text: strings.deleted });
  }

  // After a reload the conversation comes back without the person's own answers: only the latest message's
  // buttons still answer, and none when it has none (walk 3: after "I will wait" and its "You stay in the queue",
  // the "I will wait / I will leave a message" row above it answered again).
  let reloaded = Boolean(session);
  function settle() {
    reloaded = false;
    const bubbles = log.querySelectorAll("li.msg");
    const latest = bubbles[bubbles.length - 1];
    for (const button of log.querySelectorAll(".buttons button")) {
      if (!latest || !latest.contains(button)) button.disabled = true;
    }
  }

  // The start screen's main menu (rendered by the server as buttons of the form without JavaScript): sent
  // through the API like any other button. In a chat already under way (a reload) it is done.
  for (const element of document.querySelectorAll("#start .buttons button")) {
    element.addEventListener("click", (event) => {
      event.preventDefault();
      send({ payload: element.value }, element.textContent, element);
    });
    if (session) element.disabled = true;
  }

  if (session) poll();
  setInterval(poll, 3000);
  window.addEventListener("online", () => { if (queue.length) pump(); });  // the network is back: what waits goes
})();
