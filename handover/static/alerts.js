// Alerts for urgent requests: a sound (WebAudio), a browser notification and the status line. Each request
// rings once per tier; body[data-alerts] counts the rings (the browser tests read it).
import { el } from "./dom.js";
import { session } from "./state.js";
import { say } from "./status.js";
import { isMostUrgent, isUrgent, urgentTiers } from "./vocabulary.js";
import { t } from "./words.js";

let audio = null;
const alerted = new Map();  // "id|tier" → time rung, so that one request rings once
let alerts = 0;

export function audioContext() {
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

export function askNotificationPermission() {
  if (!notificationsSupported() || Notification.permission !== "default") return Promise.resolve();
  try {
    const asked = Notification.requestPermission(updateAlertsButton);
    return asked && asked.then ? asked.then(updateAlertsButton, updateAlertsButton) : Promise.resolve();
  } catch (error) {
    return Promise.resolve();
  }
}

export function updateAlertsButton() {
  const permission = notificationsSupported() ? Notification.permission : "unsupported";
  const soundReady = !!audio && audio.state === "running";
  el.enableAlerts.classList.remove("attention");
  if (permission === "granted" && soundReady) el.enableAlerts.textContent = t("alerts.on");
  else if (permission === "denied") el.enableAlerts.textContent = t("alerts.sound_only");
  else el.enableAlerts.textContent = t("page.enable_alerts");
}

function notify(tier) {
  if (!notificationsSupported() || Notification.permission !== "granted") return;
  try {
    // No personal text in a notification: it may show on a locked screen.
    const notice = new Notification(t("alerts.notification_title", { tier }), {
      body: t("alerts.notification_body"), tag: `havn-${tier}`, renotify: true, requireInteraction: isMostUrgent(tier),
    });
    notice.addEventListener("click", () => { window.focus(); notice.close(); });
  } catch (error) { /* some browsers allow notifications only from a service worker */ }
}

export function ring(tier, conversationId) {
  const shown = isUrgent(tier) ? tier : t("alerts.urgent");
  const key = `${conversationId || "?"}|${shown}`;
  const now = Date.now();
  for (const [other, at] of alerted) if (now - at > 60000) alerted.delete(other);
  if (alerted.has(key)) return;
  alerted.set(key, now);
  alerts += 1;
  document.body.dataset.alerts = String(alerts);
  beep(isMostUrgent(shown) ? 4 : 2);
  notify(shown);
  say(t("alerts.waiting", { tier: shown }), "urgent");
  const audible = !!audio && audio.state === "running";
  const visible = notificationsSupported() && Notification.permission === "granted";
  if (!audible || !visible) el.enableAlerts.classList.add("attention");
}

async function enableAlerts() {
  audioContext();
  beep(1);
  await askNotificationPermission();
  updateAlertsButton();
  if (notificationsSupported() && Notification.permission === "denied") {
    say(t("alerts.blocked"), "info");
  } else if (!notificationsSupported()) {
    say(t("alerts.unsupported"), "info");
  } else {
    // Before login the vocabulary is not loaded.
    const which = urgentTiers().join(t("alerts.tiers_or")) || t("alerts.any_urgent");
    say(t("alerts.enabled", { tiers: which }), "info");
  }
}

// Browsers start sound only after the person did something on the page; the first click or key does it.
function unlockAudioOnce() {
  if (session.me) audioContext();
  if (audio && audio.state !== "suspended") {
    document.removeEventListener("pointerdown", unlockAudioOnce, true);
    document.removeEventListener("keydown", unlockAudioOnce, true);
  }
  setTimeout(updateAlertsButton, 100);
}

export function initAlerts() {
  el.enableAlerts.addEventListener("click", enableAlerts);
  document.addEventListener("pointerdown", unlockAudioOnce, true);
  document.addEventListener("keydown", unlockAudioOnce, true);
  updateAlertsButton();
}
