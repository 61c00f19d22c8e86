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
# The usage counts are flushed every second (the keys' sparklines);
# scopes_supported names more than any portal application holds (review
# M2: the portal must not ask for them).
STACK_OPTIONS = {"env": {"JWTMINT_ARGON2_M_KIB": "256", "JWTMINT_ARGON2_T": "1",
                         "JWTMINT_USAGE_FLUSH_SEC": "1",
                         "JWTMINT_SCOPES_SUPPORTED": "read:accounts write:settings admin billing:read"}}

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARTIFACTS = os.path.join(ROOT, "var", "test-artifacts", "browser")
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
WAIT = 15  # seconds any one page or element may take
FLUSH_DEADLINE = 40  # a usage flush (1 s here; a busy machine is slower)


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
    for name in ("auth.js", "api.js", "app.js", "keys.js", "users.js", "audit.js", "login.js", "ui.js"):
        with open(os.path.join(ROOT, "portal", name)) as f:
            src = f.read()
        assert not re.search(r"localStorage\s*[.\[]|\.innerHTML|\beval\(|new Function|document\.write", src), name
        assert not re.search(r"sessionStorage\.setItem\((?!PENDING)", src), name
    st, h, body = stack.request("GET", base + "config.json")
    assert st == 200 and h["content-type"] == "application/json" and h["cache-control"] == "no-store", (st, h)
    cfg = json.loads(body)
    assert cfg["issuer"] == stack.issuer and cfg["org_slug"] == org["slug"], cfg
    assert cfg["org_name"] == org["name"] and re.match(r"^app_[a-z2-7]{16}$", cfg["client_id"]), cfg
    assert sorted(cfg) == ["client_id", "issuer", "org_name", "org_slug"], "config.json says more: %r" % cfg
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


def test_portal_flow(stack):
    """One browser: an administrator's whole flow, then a limited user,
    then the login page framed by another origin."""
    b = Browser(stack)
    try:
        admin_flow(b, stack)
        limited_user(b, stack)
        framed(b, stack)
    finally:
        b.close()


def admin_flow(b, stack):
    """Sign in, create a key and use it, roll it (old key during and after
    the grace), revoke the new one, read the audit trail; the messages of
    a 412, a 503 (the database down a moment) and a 401; then sign out
    (which ends the login page's session too)."""
    org = new_org(stack, "portal")
    boss = new_user(stack, org, role="admin")
    sign_in(b, stack, org, boss)
    b.wait(lambda: b.css("table tbody tr td"), "the keys table")
    b.wait(lambda: "(admin)" in b.one("#me").text, "who is signed in")
    assert b.d.execute_script("return sessionStorage.length") == 0, "the PKCE verifier is still stored"
    assert b.d.execute_script("return localStorage.length") == 0
    b.shot("keys-empty")
    b.assert_clean("sign-in and the keys page")
    # The rotating refresh token, in the page's memory only, renews the
    # access token (the module app.js uses); everything below runs on it.
    renewed = b.d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "import('./auth.js').then((m) => m.renew()).then(done, (e) => done(String(e)));")
    assert renewed is True, "the refresh failed: %r" % renewed

    # Create, with the keyboard: focus the button, Enter, type, Enter.
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select
    create = b.one("button.primary")
    assert create.text == "Create a key"
    b.d.execute_script("arguments[0].focus()", create)
    b.d.switch_to.active_element.send_keys(Keys.ENTER)
    name = b.one("dialog input[name=name]")
    assert b.d.switch_to.active_element == name, "the dialog's first field has the focus"
    name.send_keys("made in the browser")
    offered = sorted(e.get_attribute("value") for e in b.css("dialog input[name=scope]"))
    # The portal asked no scope and its application row says only
    # "admin": the administrator's token holds every scope of
    # scopes_supported (billing:read too), and the form offers those.
    assert offered == ["admin", "billing:read", "read:accounts", "write:settings"], offered
    b.one("dialog input[value='read:accounts']").click()
    b.shot("key-create")
    name.send_keys(Keys.ENTER)
    shown = b.one("dialog input.secret")
    key = shown.get_attribute("value")
    stack.secrets.add(key)
    assert re.match(r"^jmk_live_[a-z2-7]{16}_", key), "not a key: %r" % key[:20]
    assert "you will not see it again" in b.one("dialog").text
    b.shot("key-shown-once")
    b.one("dialog button.secondary").click()
    b.wait(lambda: not b.css("dialog"), "the one-time display gone")
    assert key not in b.d.page_source, "the key is still in the page"
    b.wait_text("made in the browser")
    b.assert_clean("create")

    # A plain HTTP client uses it, three times.
    st, _, d = cc(stack, key)
    assert st == 200 and d["scope"] == "read:accounts", (st, d)
    kid = key.split("_")[2]
    for _ in range(2):
        assert cc(stack, key)[0] == 200
    # Once the housekeeper has written the counts, the keys table (drawn
    # again after the roll below) shows them as a sparkline of the key's
    # last 24 hours from GET /admin/keys/{id}/usage.
    wait_for(lambda: stack.psql("select coalesce(sum(n), 0) from key_usage where granularity = 'hour' "
                                "and key_id = '%s'" % kid).strip() == "3",
             timeout=FLUSH_DEADLINE, interval=0.2, what="the key's three requests flushed")

    # Roll with a grace of one hour; the old key works during it.
    row = b.one("tr[data-key-id='%s']" % kid)
    row.find_element("css selector", "button.secondary").click()
    b.one("dialog input[value='1h']").click()
    b.shot("key-roll")
    b.one("dialog button[type=submit]").click()
    new = b.one("dialog input.secret").get_attribute("value")
    stack.secrets.add(new)
    assert new != key and new.startswith("jmk_live_"), new[:20]
    b.shot("key-rolled-shown-once")
    b.one("dialog button.secondary").click()
    b.wait(lambda: not b.css("dialog"), "the one-time display gone")
    new_id = new.split("_")[2]
    b.wait(lambda: b.css("tr[data-key-id='%s']" % new_id), "the new key listed")
    assert "expiring" in b.one("tr[data-key-id='%s']" % kid).text
    spark = "tr[data-key-id='%s'] td.usage svg.spark" % kid
    b.wait(lambda: b.css(spark), "the old key's usage sparkline")
    label = b.one(spark).get_attribute("aria-label")
    assert label.endswith("in the last 24 hours: 3"), label
    points = b.one(spark + " polyline").get_attribute("points").split()
    assert len(points) >= 24 and len({p.split(",")[1] for p in points}) > 1, points
    b.shot("key-usage")
    assert cc(stack, key)[0] == 200, "the old key during its grace"
    assert cc(stack, new)[0] == 200
    ends = stack.psql("select extract(epoch from expires_at - now()) from api_keys where id = '%s'" % kid)
    assert 3500 < float(ends) <= 3600, ends
    # The grace ends by the database's clock (an hour is too long to
    # wait): the old key is then any invalid key, on every worker.
    stack.psql("update api_keys set expires_at = now() where id = '%s'" % kid)
    wait_for(lambda: cc(stack, key)[0] == 401, timeout=10, interval=0.1,
             what="the old key refused after its grace")
    assert cc(stack, new)[0] == 200

    # Revoke the new key, confirmed in a dialog.
    b.d.refresh()  # a reload forgets the tokens: sign in again
    b.one("#sign-in").click()
    b.wait(lambda: b.css("tr[data-key-id='%s']" % new_id), "the keys again, through the session")
    b.one("tr[data-key-id='%s'] button.danger" % new_id).click()
    assert "cannot be undone" in b.one("dialog").text
    b.shot("key-revoke-confirm")
    b.one("dialog button[type=submit]").click()
    b.wait(lambda: "revoked" in b.one("tr[data-key-id='%s']" % new_id).text, "the key shown revoked")
    assert cc(stack, new)[0] == 401
    b.shot("keys-after")
    b.assert_clean("roll and revoke")

    # The audit trail shows the three acts of the signed-in user.
    b.one("a[href='#audit']").click()
    b.wait_text("key.revoke")
    text = b.one("main").text
    for action in ("key.create", "key.roll", "key.revoke"):
        assert action in text, action
    assert "user:" + boss["id"] in text
    act = b.one("input[name=action]")
    act.send_keys("key.roll\n")
    b.wait(lambda: "key.create" not in b.one("main").text, "the filter applied")
    assert "key.roll" in b.one("main").text
    b.shot("audit")

    # Users: create one, change its role and accounts, disable it.
    b.one("a[href='#users']").click()
    b.wait_text(boss["username"])
    assert b.one("tr[data-username='%s']" % boss["username"]).text.endswith("you")
    b.one("main button.primary").click()
    who = "carol" + kid[:6]
    pw = "pw-" + kid + "-long"
    stack.secrets.add(pw)
    b.one("dialog input[name=username]").send_keys(who)
    b.one("dialog input[name=password]").send_keys(pw)
    Select(b.one("dialog select[name=role]")).select_by_value("limited")
    b.one("dialog input[name=accounts]").send_keys("acc1 acc2")
    b.shot("user-create")
    b.one("dialog button[type=submit]").click()
    b.wait(lambda: b.css("tr[data-username='%s']" % who), "the new user listed")
    b.one("tr[data-username='%s'] button.secondary" % who).click()
    Select(b.one("dialog select[name=role]")).select_by_value("support")
    acc = b.one("dialog input[name=accounts]")
    acc.clear()
    acc.send_keys("acc3")
    b.one("dialog button[type=submit]").click()
    b.wait(lambda: "support" in b.one("tr[data-username='%s']" % who).text, "the role changed")
    b.one("tr[data-username='%s'] button.danger" % who).click()
    b.one("dialog button[type=submit]").click()
    b.wait(lambda: "disabled" in b.one("tr[data-username='%s']" % who).text, "the user disabled")
    u = stack.admin_json("user", "get", who, "--org", org["slug"], "--json")
    assert u["role"] == "support" and u["accounts"] == "acc3" and u["disabled_at"], u
    b.shot("users")

    # The login page's template: edited here, shown by the hosted login
    # page when the admin signs in again below.
    b.one("a[href='#login']").click()
    title = b.one("#login-template input[name=title]")
    assert title.get_attribute("value") == "" and b.one("input[name=bg]").get_attribute("value") == "#f4f5f7"
    title.send_keys("Portal <made> sign-in")
    bg = b.one("input[name=bg]")
    bg.clear()
    bg.send_keys("#203040")
    b.wait(lambda: b.one("#login-preview rect").get_attribute("fill") == "#203040", "the preview redrawn")
    b.one("#login-template button[type=submit]").click()
    b.wait(lambda: "saved" in b.one("#notice").text, "the template saved")
    t = stack.admin_json("login-template", "show", "--org", org["slug"], "--json")
    assert t["title"] == "Portal <made> sign-in" and t["bg"] == "#203040" and t["org_name"] == "", t
    b.shot("login-template")
    b.assert_clean("the login page section")
    # Changed elsewhere meanwhile: the Save is refused (412), the page
    # shows the template as it is now, and the next Save goes through.
    stack.admin_ok("login-template", "set", "--org", org["slug"], "--org-name", "Elsewhere")
    accent = b.one("input[name=accent]")
    accent.clear()
    accent.send_keys("#AA0000")
    b.one("#login-template button[type=submit]").click()
    b.wait(lambda: "meanwhile" in b.one("#login-template .form-error").text, "the 412 explained")
    assert b.one("input[name=org_name]").get_attribute("value") == "Elsewhere"
    assert b.one("input[name=accent]").get_attribute("value") == "#2a5bd7", "the page shows what is there now"
    errs = b.errors(allowed=(r"/admin/login-template - Failed to load resource: .* 412",))
    assert not errs, errs
    accent = b.one("input[name=accent]")
    accent.clear()
    accent.send_keys("#AA0000")
    b.one("#login-template button[type=submit]").click()
    b.wait(lambda: "saved" in b.one("#notice").text and
           stack.admin_json("login-template", "show", "--org", org["slug"], "--json")["accent"] == "#aa0000",
           "the second Save")
    t = stack.admin_json("login-template", "show", "--org", org["slug"], "--json")
    assert t["org_name"] == "Elsewhere" and t["title"] == "Portal <made> sign-in", t
    b.assert_clean("the login page section, saved again")

    # 360 px wide: nothing scrolls sideways.
    b.viewport(360, 740, True)
    b.one("a[href='#keys']").click()
    b.wait(lambda: b.css("tr[data-key-id='%s']" % new_id), "the keys at 360 px")
    assert b.overflow() <= 0, "the page scrolls sideways at 360 px"
    b.shot("keys-360")
    b.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    # The database down a moment: the next call is 503 and the page says
    # so, and to try again shortly; back up, the same page loads.
    b.assert_clean("keys at 360 px")
    stack.pg_stop()
    try:
        b.one("a[href='#audit']").click()
        b.wait(lambda: "Try again shortly" in b.one("#notice[role=alert]").text, "the 503 explained")
        b.shot("unavailable")
    finally:
        stack.pg_start()
    errs = b.errors(allowed=(r"/admin/audit\S* - Failed to load resource: .* 503",))
    assert not errs, errs
    wait_for(lambda: stack.request("GET", "/healthz")[0] == 200, timeout=30, what="the database back")
    b.one("a[href='#users']").click()
    b.one("a[href='#audit']").click()
    b.wait(lambda: "key.roll" in b.one("main").text, "the audit trail again")
    b.one("a[href='#users']").click()
    b.wait(lambda: boss["username"] in b.one("main").text, "the users again")

    # Every token of the user revoked meanwhile: the next call is 401, the
    # refresh is refused too, and the page says to sign in again, with
    # the button (the revocation ended the login page's session as well:
    # the password is asked again).
    b.assert_clean("users")
    stack.admin("revoke", "--user", boss["username"], "--org", org["slug"])
    b.one("a[href='#audit']").click()
    notice = b.one("#notice[role=alert]", "the 401 notice")
    assert "Sign in again" in notice.text, notice.text
    b.shot("session-ended")
    errs = b.errors(allowed=(r"/admin/audit\S* - Failed to load resource: .* 401",
                             r"/token - Failed to load resource: .* 40[01]"))
    assert not errs, errs
    notice.find_element("css selector", "button").click()
    b.one("input[name=username]").send_keys(boss["username"])
    assert b.d.title == "Portal <made> sign-in", "the login page's template: %r" % b.d.title
    assert b.d.execute_script("return getComputedStyle(document.body).backgroundColor") == "rgb(32, 48, 64)"
    b.one("input[name=password]").send_keys(boss["password"])
    b.one("form [type=submit]").click()
    b.wait(lambda: "code=" not in b.d.current_url and b.css("tr[data-key-id]"), "signed in again")
    b.assert_clean("signed in again")

    b.one("#me button").click()
    b.wait(lambda: b.css("#sign-in"), "signed out")
    b.shot("signed-out")
    b.assert_clean("audit, users, sign out")
    # The session ended: signing in asks for the password again.
    b.one("#sign-in").click()
    b.one("input[name=password]", "the login page again")


def limited_user(b, stack):
    """A limited user (even given the admin scope) gets a page saying so
    and no write action."""
    org = new_org(stack, "plim")
    lim = new_user(stack, org, role="limited", scopes="admin")
    sign_in(b, stack, org, lim)
    b.wait(lambda: b.css("#no-access"), "the no-access page")
    assert "Your role cannot manage keys" in b.one("h1").text
    buttons = [e.text for e in b.css("button") if e.is_displayed()]
    assert buttons == ["Sign out"], buttons
    assert not [e for e in b.css("nav a") if e.is_displayed()]
    b.shot("limited")
    b.assert_clean("the limited user's page")


def framed(b, stack):
    """Another loopback origin frames the login page: refused (CSP
    frame-ancestors 'none'; Chromium says so on the console)."""
    org = new_org(stack, "pframe")
    srv = FramePage(stack.issuer + "/authorize?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": portal_client(stack, org),
        "redirect_uri": stack.issuer + "/portal/%s/" % org["slug"], "state": "s",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"}),
        stack.issuer + "/portal/%s/" % org["slug"])
    try:
        b.d.get(srv.url)
        refusals = lambda: [e for e in b.logs if "frame-ancestors" in e["message"]]  # noqa: E731
        b.wait(lambda: b.console() is not None and len(refusals()) >= 2, "both framings refused")
        assert all(stack.issuer in e["message"] for e in refusals()), refusals()
        b.shot("framed-refused")
        for frame in b.css("iframe"):
            b.d.switch_to.frame(frame)
            assert not b.css("input[name=password]") and not b.css("#main"), "a framed page shows"
            b.d.switch_to.default_content()
    finally:
        srv.close()


def portal_client(stack, org):
    apps = stack.admin_json("app", "list", "--org", org["slug"], "--json")
    return [a for a in apps if a["type"] == "portal"][0]["client_id"]


class FramePage:
    """A page of another origin (another loopback port) that embeds each
    of urls in an iframe."""

    def __init__(self, *urls):
        page = ("<!doctype html><title>framer</title>" + "".join(
            '<iframe src="%s" width="500" height="300"></iframe>' % u.replace("&", "&amp;").replace('"', "&quot;")
            for u in urls)).encode()

        class H(http.server.BaseHTTPRequestHandler):
            timeout = 5  # a preconnected socket that never asks ends

            def do_GET(self):
                body = page if self.path == "/" else b""
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        # Threaded: Chromium may open a connection it never sends a
        # request on (preconnect); a single-threaded server would block on
        # it, and shutdown() with it.
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d/" % self.httpd.server_address[1]
        self.t = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.t.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
