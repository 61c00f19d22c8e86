// The login page section: the organization's template of the hosted
// login page (GET/PATCH /admin/login-template, docs/LOGIN.md): its title,
// the organization's name as shown and three colours. The server alone
// validates (the same operation as `jwtmint-admin login-template set`);
// the form only helps, and shows its refusals. The preview is an SVG drawn
// with presentation attributes (no style attribute: CSP), text as text.
import * as api from "./api.js";
import { el, clear, field, notify } from "./ui.js";

const NS = "http://www.w3.org/2000/svg";
const COLOURS = [["bg", "Background colour"], ["fg", "Text colour"], ["accent", "Accent colour (buttons)"]];
const HEX = /^#[0-9a-f]{6}$/i;

// The first n characters of s (code points: never half of a pair).
const cut = (s, n) => Array.from(s).slice(0, n).join("");

function svg(tag, attrs, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs))
    e.setAttribute(k, String(v));
  if (text !== undefined)
    e.textContent = text;
  return e;
}

// A sketch of the page in the chosen colours; updated as the form changes.
function preview() {
  const s = svg("svg", { viewBox: "0 0 320 120", width: 320, height: 120, class: "preview", role: "img",
    id: "login-preview" });
  const bg = svg("rect", { x: 0, y: 0, width: 320, height: 120, rx: 6 });
  const org = svg("text", { x: 16, y: 30, "font-size": 16, "font-weight": 700 });
  const title = svg("text", { x: 16, y: 54, "font-size": 12 });
  const field = svg("rect", { x: 16, y: 64, width: 180, height: 18, fill: "#ffffff", rx: 3 });
  const btn = svg("rect", { x: 16, y: 90, width: 80, height: 22, rx: 4 });
  const label = svg("text", { x: 28, y: 105, "font-size": 11, fill: "#ffffff" }, "Sign in");
  const desc = svg("title", {});
  s.append(desc, bg, org, title, field, btn, label);
  const update = (v, orgDefault) => {
    const ok = (c, d) => HEX.test(c) ? c.toLowerCase() : d;
    bg.setAttribute("fill", ok(v.bg, "#f4f5f7"));
    org.setAttribute("fill", ok(v.fg, "#1d2330"));
    title.setAttribute("fill", ok(v.fg, "#1d2330"));
    field.setAttribute("stroke", ok(v.fg, "#1d2330"));
    btn.setAttribute("fill", ok(v.accent, "#2a5bd7"));
    org.textContent = cut(v.org_name || orgDefault, 40);
    title.textContent = cut(v.title || "Sign in", 50);
    desc.textContent = "Preview of the login page: " + org.textContent + ", " + title.textContent;
  };
  return [s, update];
}

export async function render(main, ctx) {
  const head = el("h1", { tabindex: "-1", text: "Login page" });
  const intro = el("p", { text: "How the sign-in page of " + ctx.cfg.org_name +
    "'s applications looks: its title, the organization's name it shows and its colours." });
  clear(main).append(head, intro);
  head.focus();
  let r;
  try {
    r = await api.call("GET", "/admin/login-template");
  } catch (e) {
    return ctx.failed(e);
  }
  let etag = r.etag;
  const t = r.body;
  const err = el("p", { class: "form-error", role: "alert", hidden: true });
  const [ft, title] = field("Page title", el("input", { type: "text", name: "title", maxlength: 200,
    autocomplete: "off", value: t.title }), "At most 200 characters. Empty: the default title.");
  const [fo, orgName] = field("Organization name shown", el("input", { type: "text", name: "org_name",
    maxlength: 200, autocomplete: "off", value: t.org_name }),
  "At most 200 characters. Empty: " + ctx.cfg.org_name + ".");
  const inputs = { title, org_name: orgName };
  const colourFields = COLOURS.map(([name, label]) => {
    const [f, c] = field(label, el("input", { type: "text", name, value: t[name], required: true,
      pattern: "#[0-9a-fA-F]{6}", maxlength: 7, size: 8, autocomplete: "off", spellcheck: "false",
      autocapitalize: "none" }), "#rrggbb in hex, for example #2a5bd7.");
    inputs[name] = c;
    return f;
  });
  const [pic, draw] = preview();
  const values = () => Object.fromEntries(Object.entries(inputs).map(([k, c]) => [k, c.value.trim()]));
  const redraw = () => draw(values(), ctx.cfg.org_name);
  const form = el("form", { class: "stack", id: "login-template", "aria-label": "Login page template" },
    ft, fo, el("fieldset", {}, el("legend", { text: "Colours" }), colourFields),
    el("div", { class: "field" }, el("span", { class: "label", text: "Preview" }), pic),
    err,
    el("div", { class: "buttons" }, el("button", { type: "submit", class: "primary", text: "Save" })));
  form.addEventListener("input", redraw);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    err.hidden = true;
    const v = values();
    const body = {};
    for (const k of ["title", "org_name"])
      if (v[k] !== t[k])
        body[k] = v[k] === "" ? null : v[k];
    for (const [k] of COLOURS)
      if (v[k] !== t[k])
        body[k] = v[k].toLowerCase();
    if (!Object.keys(body).length) {
      notify("info", "Nothing changed.");
      return;
    }
    const b = form.querySelector("button[type=submit]");
    b.disabled = true;
    try {
      const res = await api.call("PATCH", "/admin/login-template", body, etag ? { "If-Match": etag } : {});
      etag = res.etag;
      Object.assign(t, res.body);
      for (const [k, c] of Object.entries(inputs))
        c.value = t[k];
      redraw();
      notify("info", "The login page is saved: the next sign-in shows it.");
    } catch (e) {
      if (e.status === 401 || e.status === 403)
        ctx.failed(e);
      else if (e.status === 412) {
        // Changed elsewhere since this page read it: show what is there
        // now (and its ETag), so the next Save is not refused again.
        try {
          const now = await api.call("GET", "/admin/login-template");
          etag = now.etag;
          Object.assign(t, now.body);
          for (const [k, c] of Object.entries(inputs))
            c.value = t[k];
          redraw();
          err.textContent = "Someone changed the login page meanwhile: it is shown as it is now. " +
            "Make your change again.";
        } catch (e2) {
          err.textContent = e2.message;
        }
        err.hidden = false;
      } else {
        err.textContent = e.message;
        err.hidden = false;
      }
    } finally {
      b.disabled = false;
    }
  });
  main.append(form);
  redraw();
}
