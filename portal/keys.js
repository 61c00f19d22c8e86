// The keys page: the organization's API keys, create (the whole key shown
// once), roll with a grace, revoke. Actions the signed-in user could not
// do (the admin API would refuse them) are not offered at all.
import * as api from "./api.js";
import { el, clear, field, select, notify, fmtTime, dialog, confirm, sparkline, table } from "./ui.js";

const EXPIRY = [["", "Never"], ["7d", "7 days"], ["30d", "30 days"], ["90d", "90 days"], ["365d", "1 year"]];
const GRACE = [["0", "Now (the old key stops at once)"], ["1h", "1 hour"], ["24h", "24 hours"], ["7d", "7 days"]];

function idemKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return "portal-" + Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

// The key's last 24 hours, one count per hour, oldest first: GET
// /admin/keys/{id}/usage answers {granularity, from, to, total: {requests,
// allowed, refused, endpoints}, buckets: [{start, requests, allowed,
// refused, endpoints}]}, one bucket per hour of the range, empty ones
// included (docs/openapi.json, Usage). The counts are those the
// housekeeper has written (every usage_flush_sec), not this instant's.
// A key without a request in the period gets a dash, not a flat line.
async function usageCell(cell, key) {
  let doc;
  try {
    doc = (await api.call("GET", "/admin/keys/" + encodeURIComponent(key.id) +
      "/usage" + api.qs({ granularity: "hour" }))).body;
  } catch (e) {
    return; // the usage is an aid: the table stands without it
  }
  if (!doc || !Array.isArray(doc.buckets) || !doc.total)
    return;
  const v = doc.buckets.map((b) => Math.max(0, Number(b && b.requests) || 0));
  const total = Math.max(0, Number(doc.total.requests) || 0);
  const refused = Math.max(0, Number(doc.total.refused) || 0);
  if (!v.length || total === 0) {
    clear(cell).append(el("span", { class: "hint", text: "—", title: "No requests in the last 24 hours" }));
    return;
  }
  const label = "Requests of " + key.name + " in the last 24 hours: " + total +
    (refused ? " (" + refused + " refused)" : "");
  clear(cell).append(sparkline(v, label));
}

function usable(k) {
  return k.status === "active" && !k.rolled_to && !k.trusted_forwarder;
}

// Whether the signed-in user may change k at all: a key holding a scope
// or a grant it lacks is refused by the admin API (docs/ADMIN-API.md), so
// no button is offered. The portal's token makes client_credentials keys.
function mayChange(ctx, k) {
  return ctx.holdsAll(k.scopes) && (k.grants || []).every((g) => ctx.grants.includes(g)) && !k.trusted_forwarder;
}

// Show a new key's secret once: a read-only field, a copy button, and
// the warning. The dialog and its text are gone once closed.
async function showSecret(title, doc, extra) {
  await dialog(title, (form) => {
    form.append(el("p", { class: "warning", text: "Copy the key now: you will not see it again." }));
    const out = el("input", { type: "text", readonly: true, class: "secret", value: doc.key,
      autocomplete: "off", spellcheck: "false", "data-testid": "new-key" });
    form.append(field("The new key", out)[0]);
    const status = el("p", { class: "hint", role: "status" });
    form.append(el("div", { class: "buttons" },
      el("button", { type: "button", class: "primary", text: "Copy the key", onclick: async () => {
        try {
          await navigator.clipboard.writeText(out.value);
          status.textContent = "Copied.";
        } catch (e) {
          out.select();
          status.textContent = "Copying is not allowed here: the key is selected, copy it with Ctrl+C.";
        }
      } })), status);
    if (extra)
      form.append(el("p", { text: extra }));
    return null;
  }, null);
}

async function createKey(ctx, reload) {
  const doc = await dialog("Create an API key", (form, close, error) => {
    const [fname, name] = field("Name", el("input", { type: "text", name: "name", required: true, maxlength: 200,
      autocomplete: "off" }), "What the key is for, such as \"ci deploy\".");
    const [fenv, env] = field("Environment", select("env", [["live", "live"], ["test", "test"]], "live"));
    const boxes = [];
    const scopes = el("fieldset", { class: "scopes" }, el("legend", { text: "Scopes (from those you hold)" }));
    for (const s of ctx.scopeChoices) {
      const cb = el("input", { type: "checkbox", name: "scope", value: s, id: "scope-" + s });
      boxes.push(cb);
      scopes.append(el("div", { class: "check" }, cb, el("label", { for: cb.id, text: s })));
    }
    const [fexp, exp] = field("Expires", select("expires_in", EXPIRY, "90d"));
    const [fsec, sec] = field("Requests per second", el("input", { type: "number", min: 0, max: 1000000,
      name: "rate_per_sec", inputmode: "numeric" }), "Empty: the default; 0: no limit.");
    const [fmin, min] = field("Requests per minute", el("input", { type: "number", min: 0, max: 100000000,
      name: "rate_per_min", inputmode: "numeric" }), "Empty: the default; 0: no limit.");
    form.append(fname, fenv, scopes, fexp, fsec, fmin);
    return async () => {
      const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
      if (!name.value.trim())
        return error("Give the key a name."), undefined;
      if (!chosen.length)
        return error("Choose at least one scope."), undefined;
      const body = { name: name.value.trim(), env: env.value, scopes: chosen };
      if (exp.value)
        body.expires_in = exp.value;
      if (sec.value !== "")
        body.rate_per_sec = Number(sec.value);
      if (min.value !== "")
        body.rate_per_min = Number(min.value);
      try {
        const r = await api.call("POST", "/admin/keys", body, { "Idempotency-Key": idemKey() });
        return r.body;
      } catch (e) {
        error(e.message);
        return undefined;
      }
    };
  }, "Create");
  if (!doc)
    return;
  await showSecret("Your new key", doc, null);
  notify("info", "Key " + doc.name + " created.");
  reload();
}

async function rollKey(k, reload) {
  const doc = await dialog("Roll the key " + k.name, (form, close, error) => {
    form.append(el("p", { text: "A new key replaces this one, with the same name, scopes and limits. " +
      "Until the end of the grace period both work, so you can deploy the new one." }));
    const fs = el("fieldset", {}, el("legend", { text: "The old key keeps working for" }));
    const radios = GRACE.map(([v, label], i) => {
      const r = el("input", { type: "radio", name: "grace", value: v, id: "grace-" + i, checked: v === "24h" });
      fs.append(el("div", { class: "check" }, r, el("label", { for: r.id, text: label })));
      return r;
    });
    const rt = el("input", { type: "checkbox", name: "revoke_tokens", id: "roll-revoke-tokens" });
    form.append(fs, el("div", { class: "check" }, rt, el("label", { for: rt.id,
      text: "Also end the old key's access tokens when its grace ends" })));
    return async () => {
      const grace = radios.find((r) => r.checked).value;
      try {
        const r = await api.call("POST", "/admin/keys/" + encodeURIComponent(k.id) + "/roll",
          { grace: grace === "0" ? 0 : grace, revoke_tokens: rt.checked }, { "Idempotency-Key": idemKey() });
        return r.body;
      } catch (e) {
        error(e.message);
        return undefined;
      }
    };
  }, "Roll");
  if (!doc)
    return;
  await showSecret("The new key replacing " + k.name, doc,
    "The old key works until " + fmtTime(doc.old_key_ends_at) + ".");
  notify("info", "Key " + k.name + " rolled.");
  reload();
}

async function revokeKey(k, reload) {
  if (!await confirm("Revoke the key " + k.name + "?",
    "The key " + k.start + " and every token it obtained stop working at once, for good. This cannot be undone.",
    "Revoke"))
    return;
  try {
    await api.call("DELETE", "/admin/keys/" + encodeURIComponent(k.id));
    notify("info", "Key " + k.name + " revoked.");
  } catch (e) {
    notify("error", e.message);
  }
  reload();
}

export async function render(main, ctx) {
  const head = el("h1", { tabindex: "-1", text: "API keys" });
  const tools = el("div", { class: "toolbar" });
  const [fstatus, status] = field("Status", select("status", [["", "Any"], ["active", "active"],
    ["expiring", "expiring"], ["expired", "expired"], ["disabled", "disabled"], ["revoked", "revoked"]], ctx.keyStatus || ""));
  tools.append(fstatus);
  const reload = () => render(main, ctx);
  status.addEventListener("change", () => { ctx.keyStatus = status.value; reload(); });
  if (ctx.canMakeKeys)
    tools.append(el("button", { type: "button", class: "primary", text: "Create a key",
      onclick: () => createKey(ctx, reload) }));
  else
    tools.append(el("p", { class: "hint", text: "Your role reaches only its assigned accounts: it cannot make keys." }));
  const body = el("tbody");
  const t = table("API keys of " + ctx.cfg.org_name, ["Name", "Prefix", "Env", "Scopes", "Status", "Created",
    "Last used", "Expires", "Usage", "Actions"], body);
  clear(main).append(head, tools, el("div", { class: "scroll" }, t));
  head.focus();
  let keys;
  try {
    keys = await api.all("/admin/keys" + api.qs({ status: ctx.keyStatus }), "keys", 2000);
  } catch (e) {
    return ctx.failed(e);
  }
  if (!keys.length)
    body.append(el("tr", {}, el("td", { colspan: 10, text: "No keys yet." })));
  const cells = [];
  for (const k of keys) {
    const acts = el("td", { class: "actions" });
    if (usable(k) && mayChange(ctx, k) && ctx.canMakeKeys) {
      acts.append(el("button", { type: "button", class: "secondary", text: "Roll",
          "aria-label": "Roll " + k.name, onclick: () => rollKey(k, reload) }));
    }
    if (k.status !== "revoked" && mayChange(ctx, k))
      acts.append(el("button", { type: "button", class: "danger", text: "Revoke",
        "aria-label": "Revoke " + k.name, onclick: () => revokeKey(k, reload) }));
    const usage = el("td", { class: "usage" });
    body.append(el("tr", { "data-key-id": k.id },
      el("td", { text: k.name }),
      el("td", {}, el("code", { text: k.start })),
      el("td", { text: k.env }),
      el("td", { text: (k.scopes || []).join(" ") }),
      el("td", {}, el("span", { class: "status " + k.status, text: k.status })),
      el("td", { text: fmtTime(k.created_at) }),
      el("td", { text: fmtTime(k.last_used_at) }),
      el("td", { text: fmtTime(k.expires_at) }),
      usage, acts));
    cells.push([usage, k]);
  }
  for (const [cell, k] of cells) {
    if (!cell.isConnected)
      break; // another page or a reload meanwhile
    await usageCell(cell, k);
  }
}
