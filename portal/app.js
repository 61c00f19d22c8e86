// The portal of one organization (docs/LOGIN.md, "The portal"): loads
// its config, signs the user in (auth.js), and shows the keys, users,
// audit and login page sections over the admin API (api.js). Served by jwtmint at
// /portal/{slug}/ under a Content-Security-Policy that allows only this
// origin's scripts, styles and fetches: no inline script, no other origin.
import * as auth from "./auth.js";
import * as api from "./api.js";
import { el, clear, notify } from "./ui.js";
import * as keys from "./keys.js";
import * as users from "./users.js";
import * as audit from "./audit.js";
import * as login from "./login.js";

const VIEWS = { keys, users, audit, login };
// The roles the admin API refuses whatever their scopes (docs/ADMIN-API.md).
const NO_ADMIN_ROLES = ["limited", "support"];

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const me = document.getElementById("me");
let cfg = null;
let ctx = null;

function signOutButton() {
  return el("button", { type: "button", class: "secondary", text: "Sign out", onclick: async () => {
    await auth.signOut();
    ctx = null;
    signInScreen("You are signed out.");
  } });
}

function signInScreen(message) {
  nav.hidden = true;
  clear(me);
  const h = el("h1", { tabindex: "-1", text: "Sign in to " + cfg.org_name });
  clear(main).append(h,
    el("p", { text: "Manage the API keys, users and audit trail of " + cfg.org_name + "." }),
    message ? el("p", { class: "hint", role: "status", text: message }) : null,
    el("button", { type: "button", class: "primary", id: "sign-in", text: "Sign in",
      onclick: () => auth.signIn() }));
  h.focus();
}

function noAccess(role) {
  nav.hidden = true;
  clear(me).append(signOutButton());
  notify(null, "");
  const h = el("h1", { tabindex: "-1", text: "Your role cannot manage keys" });
  clear(main).append(h,
    el("p", { id: "no-access", text: "You are signed in" + (role ? " with the role " + role : "") + ". " +
      "This role has no access to the API keys, users or audit trail of " + cfg.org_name + ": " +
      "only administrators manage them. Ask an administrator of your organization if you need a key." }));
  h.focus();
}

// What a page does with an ApiError it cannot handle itself.
function failed(e) {
  if (e.status === 401)
    notify("error", e.message, { label: "Sign in again", run: () => auth.signIn() });
  else if (e.status === 403 && e.code === "insufficient_scope" && ctx && !ctx.started)
    noAccess(ctx.who.role);
  else
    notify("error", e.message || String(e));
}

function route() {
  if (!ctx || !ctx.started)
    return;
  let name = location.hash.replace(/^#/, "");
  if (name === "main")
    return;
  if (!VIEWS[name])
    name = "keys";
  for (const a of nav.querySelectorAll("a")) {
    if (a.getAttribute("href") === "#" + name)
      a.setAttribute("aria-current", "page");
    else
      a.removeAttribute("aria-current");
  }
  notify(null, "");
  VIEWS[name].render(main, ctx);
}

async function start() {
  const who = auth.who();
  const scopes = String(who.scope || "").split(" ");
  if (NO_ADMIN_ROLES.includes(who.role) || !scopes.includes("admin"))
    return noAccess(who.role);
  ctx = { cfg, who, started: false, failed, scopeChoices: [], holdsAll: () => false, canMakeKeys: false };
  let role = null, users = [];
  try {
    users = await api.all("/admin/users", "users", 5000);
    if (who.role)
      role = (await api.call("GET", "/admin/roles/" + encodeURIComponent(who.role))).body;
  } catch (e) {
    return failed(e);
  }
  const self = users.find((u) => u.id === who.sub) || null;
  // A key made or rolled here holds only scopes this token holds (the
  // admin API checks the token's scopes, not the role's patterns).
  const held = new Set(scopes.filter((s) => s));
  ctx.scopeChoices = [...held].sort();
  ctx.holdsAll = (list) => (list || []).every((s) => held.has(s));
  // The grants of the keys the portal may change: a user's token of an
  // application has no key to bound them, so every grant but the legacy
  // password grant, which only the CLI gives (src/adminapi.c).
  ctx.grants = ["client_credentials", "refresh_token", "token_exchange", "authorization_code"];
  // A key reaches every account: a role limited to its accounts makes none.
  ctx.canMakeKeys = !role || role.all_accounts !== false;
  ctx.started = true;
  clear(me).append(el("span", { class: "who", text: (self ? self.username : who.sub || "") +
    (who.role ? " (" + who.role + ")" : "") }), signOutButton());
  nav.hidden = false;
  route();
}

async function boot() {
  let res;
  try {
    res = await fetch("config.json", { cache: "no-store", credentials: "omit" });
  } catch (e) {
    res = null;
  }
  if (!res || !res.ok) {
    clear(main).append(el("h1", { text: "Portal unavailable" }), el("p", { text: res && res.status === 404 ?
      "This organization has no portal here." : "The portal could not load. Try again shortly." }));
    return;
  }
  cfg = await res.json();
  auth.init(cfg);
  api.init(cfg);
  document.title = cfg.org_name + " · API keys";
  document.getElementById("org").textContent = cfg.org_name;
  window.addEventListener("hashchange", route);
  try {
    await auth.completeSignIn();
  } catch (e) {
    if (e.code === "invalid_target" || e.code === "invalid_scope")
      return noAccess(null);
    if (e.status === 429)
      return signInScreen("Too many attempts. Retry after " + (e.retryAfter || 1) + " s.");
    if (e.status === 503)
      return signInScreen("The service is unavailable for a moment. Try again shortly.");
    return signInScreen(e.message);
  }
  if (!auth.signedIn())
    return signInScreen("");
  await start();
}

boot();
