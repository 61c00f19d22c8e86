"""
The portal (docs/LOGIN.md, "The portal") in a real browser: Debian's
headless Chromium driven by python3-selenium. An administrator signs in
through the hosted login page (authorization code + PKCE), creates a key
in the portal and reads it from the one-time display, gets a token with
it from a plain HTTP client, rolls it (the old key works during the grace
and is refused once the grace, moved by the database clock, has ended),
revokes the new one and finds the three acts in the audit trail; a user of
the limited role sees a page saying so and no write action; the hosted
login page refuses to be framed by another origin. Every page is saved as
a screenshot under var/test-artifacts/browser/, and any console error
(Chromium prints every CSP violation there) fails the test. The portal's
files themselves: their headers (CSP, nosniff, types, caching), 404s.
"""

import http.server
import json
import os
import re
import shutil
import tempfile
import threading
import time
import urllib.parse

from harness import need, need_program, wait_for
from test_lifecycle import new_org, new_user, post

MODES = ("nginx",)
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1"}}

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(ROOT, "var", "test-artifacts", "browser")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
WAIT = 15  # seconds any one page or element may take


class Browser:
    """One headless Chromium with a private profile, its console kept."""

    def __init__(self, stack, width=1280, height=900):
        chromium = need_program("chromium", "chromium")
        driver = need_program("chromedriver", "chromium-driver")
        try:
            from selenium import webdriver
            from selenium.webdriver.chrome.service import Service
        except ImportError:
            webdriver = None
        need(webdriver is not None, "python3-selenium", "python3-selenium")
        self.stack = stack
        self.profile = tempfile.mkdtemp(prefix="chromium-", dir=stack.tmp)
        opts = webdriver.ChromeOptions()
        opts.binary_location = chromium
        for a in ("--headless=new", "--no-sandbox", "--user-data-dir=" + self.profile,
                  "--window-size=%d,%d" % (width, height), "--disable-gpu", "--disable-dev-shm-usage",
                  "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-features=Translate,OptimizationHints,MediaRouter",
                  "--password-store=basic", "--lang=en-US"):
            opts.add_argument(a)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.d = webdriver.Chrome(service=Service(driver, log_output=os.path.join(stack.tmp, "chromedriver.log")),
                                  options=opts)
        self.d.set_page_load_timeout(WAIT)
        self.logs = []

    def viewport(self, width, height, mobile=False):
        """The page's size (a window cannot be narrower than 500 px)."""
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def overflow(self):
        """How far the page is wider than its viewport (0: no sideways scroll)."""
        return self.d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")

    def close(self):
        try:
            self.d.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    def console(self):
        """Every console entry since the last call (kept in self.logs)."""
        new = self.d.get_log("browser")
        self.logs += new
        return new

    def errors(self, allowed=()):
        return [e for e in self.console() if e["level"] == "SEVERE"
                and not any(re.search(a, e["message"]) for a in allowed)]

    def assert_clean(self, where):
        errs = self.errors()
        assert not errs, "%s: console errors (a CSP violation is one): %r" % (where, errs)

    def shot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        self.d.save_screenshot(os.path.join(ARTIFACTS, name + ".png"))

    def wait(self, cond, what, timeout=WAIT):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                v = cond()
                if v:
                    return v
            except Exception as e:  # an element not there yet, a stale one
                last = e
            time.sleep(0.05)
        self.shot("timeout-" + re.sub(r"\W+", "-", what)[:40])
        raise AssertionError("browser: timed out waiting for %s (%r); console %r; at %s" % (
            what, last, self.console(), self.d.current_url))

    def css(self, sel):
        return self.d.find_elements("css selector", sel)

    def one(self, sel, what=None):
        return self.wait(lambda: [e for e in self.css(sel) if e.is_displayed()][0], what or sel)

    def text(self):
        return self.d.find_element("css selector", "body").text

    def wait_text(self, s, what=None):
        return self.wait(lambda: s in self.text(), what or repr(s))


def sign_in(b, stack, org, user):
    """From the portal's sign-in screen, through the hosted login page
    (and its one click for a public client when the session is known),
    back to the portal, signed in."""
    b.d.get(stack.issuer + "/portal/%s/" % org["slug"])
    b.one("#sign-in").click()
    b.wait(lambda: "/authorize" in b.d.current_url or b.css("input[name=username]"), "the login page")
    b.shot("login-page")
    b.one("input[name=username]").send_keys(user["username"])
    b.one("input[name=password]").send_keys(user["password"])
    b.one("form [type=submit]").click()
    b.wait(lambda: "/portal/%s/" % org["slug"] in b.d.current_url and "code=" not in b.d.current_url,
           "back in the portal")


def cc(stack, key):
    return post(stack, "/token", key, grant_type="client_credentials")


def test_portal_files(stack):
    """The files and the config: headers, types, 404s, the redirect."""
    org = new_org(stack, "pfiles")
    base = "/portal/%s/" % org["slug"]
    st, h, body = stack.request("GET", base)
    assert st == 200 and h["content-type"] == "text/html; charset=utf-8", (st, h)
    assert h["content-security-policy"] == CSP, h
    assert h["x-content-type-options"] == "nosniff" and h["cache-control"] == "no-store", h
    assert h["referrer-policy"] == "no-referrer" and h["x-frame-options"] == "DENY", h
    assert b'<script type="module" src="app.js"></script>' in body and b"<script>" not in body
    for name, ctype in (("app.js", "text/javascript"), ("auth.js", "text/javascript"),
                        ("style.css", "text/css"), ("icon.svg", "image/svg+xml")):
        st, h, body = stack.request("GET", base + name)
        assert st == 200 and h["content-type"].startswith(ctype), (name, st, h)
        assert h["cache-control"] == "no-cache" and h["content-security-policy"] == CSP, h
        with open(os.path.join(ROOT, "portal", name), "rb") as f:
            assert body == f.read(), "%s: not the file of portal/" % name
        st2, h2, body2 = stack.request("GET", base + name, {"If-None-Match": h["etag"]})
        assert st2 == 304 and body2 == b"", (name, st2)
        st, h, body = stack.request("HEAD", base + name)
        assert st == 200 and body == b"", (name, st)
    # No token storage but memory: the code says so, the test reads it.
    for name in ("auth.js", "api.js", "app.js", "keys.js", "users.js", "audit.js", "ui.js"):
        with open(os.path.join(ROOT, "portal", name)) as f:
            src = f.read()
        assert not re.search(r"localStorage\s*[.\[]|\.innerHTML|\beval\(|new Function|document\.write", src), name
        assert not re.search(r"sessionStorage\.setItem\((?!PENDING)", src), name
    st, h, body = stack.request("GET", base + "config.json")
    assert st == 200 and h["content-type"] == "application/json" and h["cache-control"] == "no-store", (st, h)
    cfg = json.loads(body)
    assert cfg["issuer"] == stack.issuer and cfg["org_slug"] == org["slug"], cfg
    assert cfg["org_name"] == org["name"] and re.match(r"^app_[a-z2-7]{16}$", cfg["client_id"]), cfg
    app = stack.psql("select type, org_id from apps where client_id = '%s'" % cfg["client_id"]).strip()
    assert app == "portal|%s" % org["id"], app
    # A path without its slash is sent to the page; anything else is 404.
    st, h, _ = stack.request("GET", "/portal/" + org["slug"])
    assert st == 308 and h["location"] == base, (st, h)
    for path in ("/portal/", "/portal/nosuchorg-x/", "/portal/nosuchorg-x/config.json",
                 base + "nosuch.js", base + "..%2Fapp.js", base + "a/app.js", base + "../../etc/passwd",
                 base + "%2e%2e/", base + "config.json/", "/portal/UPPER/", "/portal/-x/"):
        st, h, _ = stack.request("GET", path)
        assert st == 404, (path, st)
    st, h, _ = stack.request("POST", base, {"Content-Type": "text/plain"}, b"x")
    assert st == 405, st
    # A disabled organization has no portal.
    off = new_org(stack, "poff")
    stack.admin("org", "disable", off["slug"])
    assert stack.request("GET", "/portal/%s/" % off["slug"])[0] == 404
    assert stack.request("GET", "/portal/%s/config.json" % off["slug"])[0] == 404
