// The portal's sign-in: OAuth 2.0 authorization code with PKCE S256
// (RFC 6749 §4.1, RFC 7636) as a public client, state checked, the
// issuer of the answer checked (RFC 9207), RFC 8707 resource = the admin
// API's audience. Tokens live in this module's variables only: never in
// localStorage, sessionStorage or a cookie, so a reload signs in again.
// Only the PKCE verifier and the state cross the redirect, in
// sessionStorage (this tab only), and are removed when the answer comes.

const PENDING = "jwtmint.portal.pending";
const EARLY_SEC = 30; // refresh this long before the access token expires

let cfg = null;
let access = null;   // the access token (a JWT)
let refresh = null;  // the rotating refresh token, or null
let expiresAt = 0;   // ms since the epoch
let claims = null;   // the access token's payload, for the UI only
let refreshing = null;

export class AuthError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function b64url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function randomString(nbytes) {
  const b = new Uint8Array(nbytes);
  crypto.getRandomValues(b);
  return b64url(b);
}

async function s256(verifier) {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return b64url(new Uint8Array(d));
}

// The payload of a JWT, for display and menus only: the server checks
// every request itself, this is never a security decision.
function payload(jwt) {
  try {
    const p = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(Array.from(atob(p),
      (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""));
    return JSON.parse(json);
  } catch (e) {
    return {};
  }
}

export function init(config) {
  cfg = config;
}

export function redirectUri() {
  return cfg.issuer + "/portal/" + encodeURIComponent(cfg.org_slug) + "/";
}

export function adminAudience() {
  return cfg.issuer + "/admin";
}

// Go to the hosted login page. Never returns (the page unloads).
// No `scope` parameter: the portal is the organization's first-party
// application, so the server grants it everything the user holds (the
// admin scope included for an admin). Asking for a list here would fail
// with invalid_scope as soon as it names a scope the server does not
// bind to the portal (docs/LOGIN.md, "The portal"). A key made in the
// portal holds only scopes the token holds (docs/ADMIN-API.md).
export async function signIn() {
  const verifier = randomString(32);
  const state = randomString(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const q = new URLSearchParams({
    response_type: "code",
    client_id: cfg.client_id,
    redirect_uri: redirectUri(),
    state,
    code_challenge: await s256(verifier),
    code_challenge_method: "S256",
    resource: adminAudience(),
  });
  window.location.assign(cfg.issuer + "/authorize?" + q.toString());
}

async function tokenRequest(params) {
  let res;
  try {
    res = await fetch(cfg.issuer + "/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params).toString(),
      credentials: "omit",
      cache: "no-store",
    });
  } catch (e) {
    throw new AuthError("network", "The server could not be reached.");
  }
  let doc = {};
  try { doc = await res.json(); } catch (e) { /* not JSON */ }
  if (!res.ok) {
    const err = new AuthError(doc.error || "http_" + res.status,
      doc.error_description || "The sign-in was refused.");
    err.status = res.status;
    err.retryAfter = parseInt(res.headers.get("Retry-After") || "", 10) || 0;
    throw err;
  }
  if (typeof doc.access_token !== "string")
    throw new AuthError("server_error", "The server sent no access token.");
  access = doc.access_token;
  refresh = typeof doc.refresh_token === "string" ? doc.refresh_token : refresh;
  expiresAt = Date.now() + 1000 * (Number(doc.expires_in) || 300);
  claims = payload(access);
}

// Called on every load: when the URL carries the answer of /authorize,
// check it and exchange the code. Returns true when signed in, false when
// there was no answer to take. Throws AuthError for a bad answer.
export async function completeSignIn() {
  const url = new URL(window.location.href);
  const q = url.searchParams;
  if (!q.has("code") && !q.has("error"))
    return false;
  const pending = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  // The code must not stay in the address bar nor in the history.
  window.history.replaceState(null, "", url.pathname);
  let p = null;
  try { p = JSON.parse(pending); } catch (e) { p = null; }
  if (!p || typeof p.state !== "string" || q.get("state") !== p.state)
    throw new AuthError("state", "This sign-in answer was not asked for by this page. Sign in again.");
  if (q.has("iss") && q.get("iss") !== cfg.issuer)
    throw new AuthError("iss", "The sign-in answer came from another issuer. Sign in again.");
  if (q.has("error")) {
    const code = q.get("error");
    throw new AuthError(code, code === "access_denied" ?
      "The sign-in was cancelled." : "The sign-in failed (" + code + ").");
  }
  await tokenRequest({
    grant_type: "authorization_code",
    code: q.get("code"),
    redirect_uri: redirectUri(),
    client_id: cfg.client_id,
    code_verifier: p.verifier,
    resource: adminAudience(),
  });
  return true;
}

export function signedIn() {
  return access !== null;
}

export function who() {
  return claims || {};
}

// Forget the tokens, revoke the refresh token (RFC 7009 with the public
// client's client_id) and end the hosted login page's session (POST
// /logout: its cookie, same origin), so that "Sign in" asks for the
// password again. Best effort: the access token ends by itself.
export async function signOut() {
  const r = refresh;
  access = refresh = claims = null;
  expiresAt = 0;
  try {
    await fetch(cfg.issuer + "/logout", { method: "POST", credentials: "same-origin", cache: "no-store" });
  } catch (e) { /* nothing to do */ }
  if (r) {
    try {
      await fetch(cfg.issuer + "/revoke", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: r, token_type_hint: "refresh_token",
          client_id: cfg.client_id }).toString(),
        credentials: "omit",
      });
    } catch (e) { /* nothing to do */ }
  }
}

// Renew the access token with the refresh token (rotated on every use).
// Returns true, or false when there is none or it was refused (the user
// then signs in again).
export async function renew() {
  if (!refresh)
    return false;
  if (!refreshing) {
    refreshing = tokenRequest({
      grant_type: "refresh_token",
      refresh_token: refresh,
      client_id: cfg.client_id,
      resource: adminAudience(),
    }).then(() => true, () => {
      access = refresh = claims = null;
      return false;
    }).finally(() => { refreshing = null; });
  }
  return refreshing;
}

// The access token to send now (renewed first when about to expire), or
// null when signed out.
export async function accessToken() {
  if (access && Date.now() > expiresAt - EARLY_SEC * 1000)
    await renew();
  return access;
}
