// The admin API (docs/ADMIN-API.md) with the signed-in user's Bearer
// token. Every failure becomes an ApiError whose message says what the
// user can do: 401 sign in again, 403 not allowed, 429 retry after N
// seconds, 503 try again shortly.
import * as auth from "./auth.js";

let issuer = "";

export function init(cfg) {
  issuer = cfg.issuer;
}

export function base() {
  return issuer;
}

export class ApiError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter || 0;
  }
}

function describe(status, doc, retryAfter) {
  switch (status) {
    case 401:
      return "Your session has ended. Sign in again.";
    case 403:
      return "You are not allowed to do this" +
        (doc.error_description ? ": " + doc.error_description + "." : ".");
    case 404:
      return "Not found: it may have been removed meanwhile.";
    case 409:
      return "This cannot be done in its current state" +
        (doc.error_description ? ": " + doc.error_description + "." : ".");
    case 412:
      return "Someone else changed it meanwhile. Reload and try again.";
    case 429:
      return "Too many requests. Retry " +
        (retryAfter > 0 ? "after " + retryAfter + " s." : "in a moment.");
    case 503:
      return "The service is unavailable for a moment. Try again shortly.";
    default:
      if (status >= 500)
        return "The server failed (" + status + "). Try again later.";
      return doc.error_description ? "Refused: " + doc.error_description + "." :
        "Refused (" + status + ").";
  }
}

async function once(method, path, body, headers) {
  const token = await auth.accessToken();
  if (!token)
    throw new ApiError(401, "signed_out", describe(401, {}, 0));
  const h = Object.assign({ Authorization: "Bearer " + token,
    Accept: "application/json" }, headers || {});
  const init = { method, headers: h, credentials: "omit", cache: "no-store" };
  if (body !== undefined) {
    h["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  try {
    return await fetch(issuer + path, init);
  } catch (e) {
    throw new ApiError(0, "network", "The server could not be reached. Check the connection and try again.");
  }
}

// One call. Returns {status, etag, body}. A 401 is tried once more after
// renewing the token.
export async function call(method, path, body, headers) {
  let res = await once(method, path, body, headers);
  if (res.status === 401 && await auth.renew())
    res = await once(method, path, body, headers);
  let doc = null;
  const text = await res.text();
  if (text) {
    try { doc = JSON.parse(text); } catch (e) { doc = null; }
  }
  if (!res.ok) {
    const ra = parseInt(res.headers.get("Retry-After") || "", 10) || 0;
    const d = doc && typeof doc === "object" ? doc : {};
    throw new ApiError(res.status, d.error || "", describe(res.status, d, ra), ra);
  }
  return { status: res.status, etag: res.headers.get("ETag"), body: doc };
}

export function qs(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== "")
      q.set(k, String(v));
  const s = q.toString();
  return s ? "?" + s : "";
}

// Every page of a listing (at most max items).
export async function all(path, field, max) {
  const out = [];
  let cursor = null;
  do {
    const r = await call("GET", path + qs({ limit: 500, cursor }));
    out.push(...(r.body[field] || []));
    cursor = r.body.next_cursor;
  } while (cursor && out.length < max);
  return out;
}
