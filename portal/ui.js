// DOM helpers. Text always goes in as text (textContent, attributes):
// nothing the server or a user sent is ever parsed as HTML.

export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false)
      continue;
    if (k.startsWith("on") && typeof v === "function")
      e.addEventListener(k.slice(2), v);
    else if (k === "text")
      e.textContent = v;
    else if (v === true)
      e.setAttribute(k, "");
    else
      e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false)
      continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function clear(node) {
  while (node.firstChild)
    node.removeChild(node.firstChild);
  return node;
}

let seq = 0;
export function uid(prefix) {
  seq += 1;
  return (prefix || "f") + "-" + seq;
}

// A labelled control: returns [wrapper, control].
export function field(label, control, hint) {
  const id = control.id || uid("c");
  control.id = id;
  const parts = [el("label", { for: id, text: label }), control];
  if (hint) {
    const hid = id + "-hint";
    control.setAttribute("aria-describedby", hid);
    parts.push(el("p", { class: "hint", id: hid, text: hint }));
  }
  return [el("div", { class: "field" }, parts), control];
}

export function select(name, options, value) {
  const s = el("select", { name });
  for (const [v, text] of options) {
    const o = el("option", { value: v, text });
    if (v === value)
      o.selected = true;
    s.append(o);
  }
  return s;
}

// The page's one message area (role=status, or alert for errors).
export function notify(kind, text, action) {
  const box = document.getElementById("notice");
  clear(box);
  box.className = "notice " + (kind || "info");
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  if (!text) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.append(el("p", { text }));
  if (action)
    box.append(el("button", { type: "button", class: "secondary", onclick: action.run, text: action.label }));
}

export function fmtTime(s) {
  if (!s)
    return "—";
  const d = new Date(s);
  if (isNaN(d.getTime()))
    return s;
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC");
}

// A modal dialog (native <dialog>: focus kept inside, Escape closes).
// build(form, close) fills the form; resolves with what submit returns,
// or null when cancelled.
export function dialog(title, build, submitLabel) {
  return new Promise((resolve) => {
    const hid = uid("dlg");
    const form = el("form", { method: "dialog", class: "stack" });
    const err = el("p", { class: "form-error", role: "alert", hidden: true });
    const d = el("dialog", { "aria-labelledby": hid },
      el("h2", { id: hid, text: title }), form);
    let result = null;
    const close = (v) => { result = v; d.close(); };
    const submit = build(form, close, (msg) => {
      err.textContent = msg || "";
      err.hidden = !msg;
    });
    form.append(err);
    const buttons = el("div", { class: "buttons" });
    if (submitLabel)
      buttons.append(el("button", { type: "submit", class: "primary", text: submitLabel }));
    buttons.append(el("button", { type: "button", class: "secondary", text: submitLabel ? "Cancel" : "Close",
      onclick: () => close(null) }));
    form.append(buttons);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!submit)
        return close(null);
      const b = form.querySelector("button[type=submit]");
      if (b)
        b.disabled = true;
      try {
        const v = await submit();
        if (v !== undefined)
          close(v);
      } finally {
        if (b)
          b.disabled = false;
      }
    });
    d.addEventListener("close", () => { d.remove(); resolve(result); });
    document.body.append(d);
    d.showModal();
  });
}

export function confirm(title, text, label) {
  return dialog(title, (form) => {
    form.append(el("p", { text }));
    return async () => true;
  }, label);
}

// A small line chart of counts (SVG, no style attribute: CSP).
export function sparkline(values, label) {
  const NS = "http://www.w3.org/2000/svg";
  const w = 80, h = 20;
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 " + w + " " + h);
  svg.setAttribute("width", String(w));
  svg.setAttribute("height", String(h));
  svg.setAttribute("class", "spark");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  const max = Math.max(1, ...values);
  const n = Math.max(1, values.length - 1);
  const pts = values.map((v, i) =>
    (i * w / n).toFixed(1) + "," + (h - 1 - (v / max) * (h - 2)).toFixed(1));
  const line = document.createElementNS(NS, "polyline");
  line.setAttribute("points", pts.join(" "));
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", "currentColor");
  line.setAttribute("stroke-width", "1.5");
  svg.append(line);
  const t = document.createElementNS(NS, "title");
  t.textContent = label;
  svg.append(t);
  return svg;
}

// A table whose rows become labelled cards on a narrow screen (style.css):
// each cell carries its column's name.
export function table(caption, headers, body) {
  const t = el("table", { class: "cards" },
    el("caption", { class: "sr-only", text: caption }),
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col", text: h })))),
    body);
  new MutationObserver(() => {
    for (const tr of body.rows)
      Array.from(tr.cells).forEach((td, i) => {
        if (headers[i] && !td.hasAttribute("colspan"))
          td.setAttribute("data-label", headers[i]);
      });
  }).observe(body, { childList: true });
  return t;
}
