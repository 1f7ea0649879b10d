// The console's JSON API (handover/console.py): one fetch wrapper. Every POST carries the console header
// against CSRF; every failure becomes an ApiError with a sentence for the caseworker; a 401 anywhere but the
// login itself hands over to the login form.
import { session } from "./state.js";
import { say } from "./status.js";
import { t } from "./words.js";

export const API = "/api/console";
const csrfMeta = document.querySelector('meta[name="havn-csrf-header"]');
const CSRF_HEADER = (csrfMeta && csrfMeta.content) || "X-Havn-Console";
const REQUEST_TIMEOUT = 30000;  // ms before a request counts as failed

let showLogin = () => {};

// main.js tells what to do when the session has ended (show the login form).
export function onLoggedOut(handler) {
  showLogin = handler;
}

class ApiError extends Error {
  constructor(message, status, loggedOut) {
    super(message);
    this.status = status;
    this.loggedOut = !!loggedOut;
  }
}

export function enc(value) {
  return encodeURIComponent(String(value));
}

// The response, or an ApiError when the server cannot be reached in time.
async function send(method, path, body, accept) {
  const headers = { Accept: accept };
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
    throw new ApiError(t(controller && controller.signal.aborted ? "api.timeout" : "api.unreachable"), 0);
  } finally {
    clearTimeout(timer);
  }
  return response;
}

async function jsonOf(response) {
  try { return await response.json(); } catch (error) { return null; }
}

// The session has ended (a 401, or the live socket closed for it, live.js): the login form, with a sentence.
export function sessionEnded() {
  const wasLoggedIn = !!session.me;
  showLogin();
  if (wasLoggedIn) say(t("api.session_ended"), "error");
}

// The ApiError for a failed response (its JSON body `data` holds the sentence).
function failure(response, path, data) {
  if (response.status === 401 && path !== "/login") {
    sessionEnded();
    return new ApiError(t("api.log_in"), 401, true);
  }
  const message = data && typeof data.error === "string" && data.error
    ? data.error : t("api.http_error", { status: response.status });
  return new ApiError(message, response.status);
}

export async function api(method, path, body) {
  const response = await send(method, path, body, "application/json");
  const data = await jsonOf(response);
  if (!response.ok) throw failure(response, path, data);
  return data || {};
}

// A file (what a person sent): {blob, name}, the name from the server's Content-Disposition ("document.pdf");
// errors come as JSON like every other.
export async function apiFile(path) {
  const response = await send("GET", path, null, "*/*");
  if (!response.ok) throw failure(response, path, await jsonOf(response));
  const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  return { blob: await response.blob(), name: named ? named[1] : "file" };
}
