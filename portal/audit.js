// The audit page: the organization's trail, newest first, with the
// filters of GET /admin/audit (action, actor, resource, since, until).
import * as api from "./api.js";
import { el, clear, field, fmtTime, table } from "./ui.js";

const ACTIONS = ["key.create", "key.update", "key.disable", "key.enable", "key.roll", "key.grace_end",
  "key.revoke", "user.create", "user.update", "user.disable", "user.enable", "user.password", "user.revoke",
  "role.create", "role.update", "token.revoke", "login.lockout", "login.template", "org.create", "org.disable",
  "org.enable"];

function row(e) {
  return el("tr", { "data-seq": e.seq },
    el("td", { text: fmtTime(e.at) }),
    el("td", {}, el("code", { text: e.action })),
    el("td", { text: e.resource || "—" }),
    el("td", { text: e.actor || "—" }),
    el("td", { text: e.source || "—" }),
    el("td", { text: e.outcome }),
    el("td", { class: "detail", text: e.detail || "" }));
}

export async function render(main, ctx) {
  const f = ctx.auditFilter || {};
  const head = el("h1", { tabindex: "-1", text: "Audit trail" });
  const list = el("datalist", { id: "audit-actions" }, ACTIONS.map((a) => el("option", { value: a })));
  const input = (name, type, hint) => el("input", { type, name, value: f[name] || "", autocomplete: "off",
    list: name === "action" ? "audit-actions" : null });
  const [fa, action] = field("Action", input("action", "text"));
  const [fr, resource] = field("Resource", input("resource", "text"));
  const [fw, actor] = field("Actor", input("actor", "text"), "key:<id> or user:<id>");
  const [fs, since] = field("Since", input("since", "date"));
  const [fu, until] = field("Until (before)", input("until", "date"));
  const form = el("form", { class: "filters", role: "search" }, list, fa, fr, fw, fs, fu,
    el("div", { class: "buttons" }, el("button", { type: "submit", class: "primary", text: "Filter" }),
      el("button", { type: "button", class: "secondary", text: "Clear", onclick: () => {
        ctx.auditFilter = {};
        render(main, ctx);
      } })));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    ctx.auditFilter = { action: action.value.trim(), resource: resource.value.trim(),
      actor: actor.value.trim(), since: since.value, until: until.value };
    render(main, ctx);
  });
  const body = el("tbody");
  const more = el("div", { class: "buttons" });
  clear(main).append(head, form, el("div", { class: "scroll" }, table("Audit trail of " + ctx.cfg.org_name,
    ["Time", "Action", "Resource", "Actor", "Source", "Outcome", "Detail"], body)), more);
  head.focus();
  const page = async (cursor) => {
    clear(more);
    let r;
    try {
      r = await api.call("GET", "/admin/audit" + api.qs(Object.assign({ limit: 100, cursor }, f)));
    } catch (e) {
      return ctx.failed(e);
    }
    const entries = r.body.entries || [];
    if (!entries.length && !cursor)
      body.append(el("tr", {}, el("td", { colspan: 7, text: "No entries." })));
    body.append(...entries.map(row));
    if (r.body.next_cursor)
      more.append(el("button", { type: "button", class: "secondary", text: "Older entries",
        onclick: () => page(r.body.next_cursor) }));
  };
  await page(null);
}
