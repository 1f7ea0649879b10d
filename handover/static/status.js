// The status line (#status): every failure shows there; a failure of something the caseworker did not ask
// for (a refresh, a live update) clears itself when the same kind of request works again.
import { el } from "./dom.js";

let statusTimer = 0;
let backgroundError = "";

export function say(text, kind) {
  clearTimeout(statusTimer);
  el.status.textContent = text || "";
  el.status.className = "status" + (text ? " " + (kind || "info") : "");
  if (text && (kind || "info") !== "error") {
    const after = kind === "urgent" ? 60000 : 10000;
    statusTimer = setTimeout(() => { if (el.status.textContent === text) say(""); }, after);
  }
}

export function fail(error) {
  if (error && error.loggedOut) return;  // the login form says it already
  say(error && error.message ? error.message : String(error), "error");
}

export function failInBackground(error) {
  if (error && error.loggedOut) return;
  fail(error);
  backgroundError = el.status.textContent;
}

export function backgroundRecovered() {
  if (backgroundError && el.status.textContent === backgroundError) say("");
  backgroundError = "";
}

// One thing the caseworker asked for, with its button disabled meanwhile so that a double click sends it once.
export async function withButton(button, work) {
  button.disabled = true;
  try {
    await work();
  } catch (error) {
    fail(error);
  } finally {
    button.disabled = false;
  }
}
