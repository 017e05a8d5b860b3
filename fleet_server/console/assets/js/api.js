// The REST API with the login token: JSON in and out, errors as ApiError with the server's words.

import { serverText } from "./server-text.js";

const TOKEN_KEY = "fleet.token";
const BASE = "/api/v1";
let token = sessionStorage.getItem(TOKEN_KEY);
const unauthorizedListeners = new Set();

export class ApiError extends Error {
  /** `field` names the request field a refusal is about, when the server says (422, 409);
   * `code` and `params` word it in the user's language, as do each of a 422's `problems`. */
  constructor(status, detail, body = {}) {
    super(typeof detail === "string" ? detail : JSON.stringify(detail));
    this.status = status;
    this.detail = detail;
    this.field = body.field ?? null;
    this.code = body.code ?? null;
    this.params = body.params ?? {};
    this.problems = Array.isArray(body.problems) ? body.problems : null;
  }
}

export function getToken() {
  return token;
}

export function setToken(value) {
  token = value;
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Called when the server says the token is no longer good (401). */
export function onUnauthorized(listener) {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

function authHeaders() {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

async function failure(response) {
  let detail = response.statusText;
  let body = {};
  try {
    body = await response.json();
    detail = body.detail ?? detail;
  } catch {
    // Not JSON: the status text says enough.
  }
  if (response.status === 401) for (const listener of unauthorizedListeners) listener();
  return new ApiError(response.status, detail, body || {});
}

/** Call the API: `api("/robots")`, `api("/missions", {method: "POST", body: {...}})`. */
export async function api(path, { method = "GET", body } = {}) {
  const headers = { Accept: "application/json", ...authHeaders() };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(BASE + path, init);
  if (!response.ok) throw await failure(response);
  return response.status === 204 ? null : response.json();
}

/** A binary resource (an image) fetched with the token, as an object URL to revoke later. */
export async function objectUrl(path) {
  const response = await fetch(BASE + path, { headers: authHeaders() });
  if (!response.ok) throw await failure(response);
  return URL.createObjectURL(await response.blob());
}

/** A file (a CSV export, an evidence pack) fetched with the token: its bytes, its name from
 * Content-Disposition, and the response headers. */
export async function fetchFile(path) {
  const response = await fetch(BASE + path, { headers: authHeaders() });
  if (!response.ok) throw await failure(response);
  const disposition = response.headers.get("Content-Disposition") || "";
  const named = /filename="?([^";]+)"?/.exec(disposition);
  const name = named ? named[1] : path.split("/").pop().split("?")[0];
  return { blob: await response.blob(), name, headers: response.headers };
}

/** OAuth2 password flow: form fields username and password give a bearer token. */
export async function logIn(username, password) {
  const response = await fetch(`${BASE}/auth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password }),
  });
  if (!response.ok) {
    let detail = response.statusText;
    let body = {};
    try {
      body = (await response.json()) || {};
      detail = body.detail ?? detail;
    } catch {
      // Keep the status text.
    }
    // With its code: a refusal (too many failed logins, a disabled user) in the user's language.
    throw new ApiError(response.status, detail, body);
  }
  const { access_token: accessToken } = await response.json();
  setToken(accessToken);
  return accessToken;
}

/** A server error's words for the user: each problem of a 422 beside the field it names, FastAPI's
 * own 422 lists, or the message (in the user's language when its code is known). */
export function errorText(error) {
  if (error instanceof ApiError && error.problems) {
    return error.problems.map((p) => `${p.field}: ${serverText(p.code, p.params, p.message)}`).join("; ");
  }
  if (error instanceof ApiError && Array.isArray(error.detail)) {
    return error.detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
  }
  if (error instanceof ApiError) return serverText(error.code, error.params, String(error.detail));
  return String(error.message || error);
}
