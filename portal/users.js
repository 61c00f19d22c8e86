// The users page: list, create, change role and accounts, disable and
// enable. The admin API decides what the signed-in user may give; its
// refusals are shown in the dialog, nothing is half done.
import * as api from "./api.js";
import { el, clear, field, select, notify, fmtTime, dialog, confirm, table } from "./ui.js";

function words(s) {
  return s.split(/[\s,]+/).filter((w) => w);
}

function roleOptions(roles) {
  return roles.map((r) => [r.name, r.name]);
}

async function createUser(ctx, roles, reload) {
  const doc = await dialog("Create a user", (form, close, error) => {
    const [fu, user] = field("Username", el("input", { type: "text", name: "username", required: true,
      maxlength: 64, autocomplete: "off", autocapitalize: "none", spellcheck: "false" }),
      "1 to 64 of a-z 0-9 . _ @ + -");
    const [fp, pw] = field("Password", el("input", { type: "password", name: "password", required: true,
      minlength: 8, maxlength: 1024, autocomplete: "new-password" }), "At least 8 characters.");
    const [fr, role] = field("Role", select("role", roleOptions(roles), "limited"));
    const [fa, acc] = field("Accounts", el("input", { type: "text", name: "accounts", autocomplete: "off" }),
      "The customer accounts the user may act on, separated by spaces (for a role without all accounts).");
    form.append(fu, fp, fr, fa);
    return async () => {
      const body = { username: user.value.trim(), password: pw.value, role: role.value };
      const a = words(acc.value);
      if (a.length)
        body.accounts = a;
      try {
        return (await api.call("POST", "/admin/users", body)).body;
      } catch (e) {
        error(e.message);
        return undefined;
      } finally {
        pw.value = "";
      }
    };
  }, "Create");
  if (doc) {
    notify("info", "User " + doc.username + " created.");
    reload();
  }
}

async function editUser(u, roles, reload) {
  const doc = await dialog("Change " + u.username, (form, close, error) => {
    const [fr, role] = field("Role", select("role", roleOptions(roles), u.role));
    const [fa, acc] = field("Accounts", el("input", { type: "text", name: "accounts", autocomplete: "off",
      value: (u.accounts || []).join(" ") }), "Separated by spaces.");
    form.append(fr, fa);
    return async () => {
      const body = {};
      if (role.value !== u.role)
        body.role = role.value;
      const a = words(acc.value);
      if (a.join(" ") !== (u.accounts || []).join(" "))
        body.accounts = a;
      if (!Object.keys(body).length)
        return null;
      try {
        return (await api.call("PATCH", "/admin/users/" + encodeURIComponent(u.username), body,
          { "If-Match": "\"v" + u.version + "\"" })).body;
      } catch (e) {
        error(e.message);
        return undefined;
      }
    };
  }, "Save");
  if (doc) {
    notify("info", "User " + u.username + " changed" +
      (doc.tokens_ended ? "; the user's earlier tokens ended." : "."));
    reload();
  }
}

async function setDisabled(u, disable, reload) {
  if (disable && !await confirm("Disable " + u.username + "?",
    "The user can no longer sign in, and every token of the user ends at once.", "Disable"))
    return;
  try {
    await api.call("POST", "/admin/users/" + encodeURIComponent(u.username) + (disable ? "/disable" : "/enable"));
    notify("info", "User " + u.username + (disable ? " disabled." : " enabled."));
  } catch (e) {
    notify("error", e.message);
  }
  reload();
}

export async function render(main, ctx) {
  const head = el("h1", { tabindex: "-1", text: "Users" });
  const tools = el("div", { class: "toolbar" });
  const body = el("tbody");
  const reload = () => render(main, ctx);
  clear(main).append(head, tools, el("div", { class: "scroll" }, table("Users of " + ctx.cfg.org_name,
    ["Username", "Role", "Extra scopes", "Accounts", "Status", "Created", "Actions"], body)));
  head.focus();
  let users, roles;
  try {
    [users, roles] = await Promise.all([api.all("/admin/users", "users", 5000),
      api.all("/admin/roles", "roles", 1000)]);
  } catch (e) {
    return ctx.failed(e);
  }
  tools.append(el("button", { type: "button", class: "primary", text: "Create a user",
    onclick: () => createUser(ctx, roles, reload) }));
  for (const u of users) {
    const me = u.id === ctx.who.sub;
    const acts = el("td", { class: "actions" });
    if (!me) {
      acts.append(el("button", { type: "button", class: "secondary", text: "Change",
        "aria-label": "Change " + u.username, onclick: () => editUser(u, roles, reload) }));
      acts.append(u.disabled_at ?
        el("button", { type: "button", class: "secondary", text: "Enable", "aria-label": "Enable " + u.username,
          onclick: () => setDisabled(u, false, reload) }) :
        el("button", { type: "button", class: "danger", text: "Disable", "aria-label": "Disable " + u.username,
          onclick: () => setDisabled(u, true, reload) }));
    } else
      acts.append(el("span", { class: "hint", text: "you" }));
    body.append(el("tr", { "data-username": u.username },
      el("td", { text: u.username }),
      el("td", { text: u.role }),
      el("td", { text: (u.scopes || []).join(" ") || "—" }),
      el("td", { text: (u.accounts || []).join(" ") || "—" }),
      el("td", {}, el("span", { class: "status " + (u.disabled_at ? "disabled" : "active"),
        text: u.disabled_at ? "disabled" : "active" })),
      el("td", { text: fmtTime(u.created_at) }),
      acts));
  }
}
