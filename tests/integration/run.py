#!/usr/bin/env python3
"""
run.py: the integration test runner.

  python3 tests/integration/run.py --mode nginx|cgi --bin build [--filter SUBSTR]
                                   [--label LABEL] [--only F,..] [--timeout SEC] [--shuffle SEED] [-v]

Discovers the functions test_* of tests/integration/test_*.py and calls each
with the file's Stack (one per file, see harness.py). Prints one line per test,
"ok - FILE::NAME" or "not ok - FILE::NAME" (after "LABEL " with --label)
followed by the reason as '#' lines,
and ends with "# N passed, N failed, N skipped". Exit status 1 on any failure.

A file may set, at module level:
  MODES = ("nginx",)            run only in these modes (others: skipped)
  STACK_OPTIONS = {"env": {...}} extra arguments of Stack()
A test marked @nginx_only is skipped in cgi mode; one marked
@allow_worker_exit may kill workers (otherwise, in nginx mode, a worker that
dies during a test fails it: the supervisor would hide a crash).
After each file: no secret in the logs or the database, no sanitizer report.

Environment: JWTMINT_IT_KEEP=1 keeps the temp dirs; JWTMINT_IT_TIMEOUT sets
the per-test limit in seconds (default 60).
"""

import os
import sys

try:
    import jwcrypto  # noqa: F401
    import jwt  # noqa: F401
except ImportError:
    # A Python without Debian's python3-jwcrypto/python3-jwt (e.g. pyenv):
    # use the system one, which has them.
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") \
            and os.path.exists("/usr/bin/python3") and not os.environ.get("JWTMINT_IT_REEXEC"):
        os.environ["JWTMINT_IT_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.stderr.write("run.py: needs python3-jwcrypto and python3-jwt (apt-get install python3-jwcrypto python3-jwt)\n")
    sys.exit(1)

import argparse
import importlib.util
import inspect
import random
import signal
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import harness  # noqa: E402


class Timeout(Exception):
    pass


class Interrupted(BaseException):
    pass


def on_alarm(signum, frame):
    raise Timeout("test timed out")


def on_term(signum, frame):
    raise Interrupted("signal %d" % signum)


def comment(text):
    for line in str(text).rstrip().splitlines() or [""]:
        print("#   " + line)


def discover(filt):
    files = sorted(f for f in os.listdir(HERE) if f.startswith("test_") and f.endswith(".py"))
    out = []
    for f in files:
        spec = importlib.util.spec_from_file_location(f[:-3], os.path.join(HERE, f))
        mod = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(mod)
        except Exception:
            out.append((f, None, [], traceback.format_exc()))
            continue
        tests = [(n, fn) for n, fn in vars(mod).items()
                 if n.startswith("test_") and inspect.isfunction(fn) and fn.__module__ == mod.__name__]
        tests = [(n, fn) for n, fn in tests if not filt or filt in "%s::%s" % (f, n)]
        if tests:
            out.append((f, mod, tests, None))
    return out


class Counts:
    def __init__(self, label=""):
        self.passed = self.failed = self.skipped = 0
        self.prefix = label + " " if label else ""

    def ok(self, name, skip=None):
        name = self.prefix + name
        if skip:
            self.skipped += 1
            print("ok - %s # skip %s" % (name, skip))
        else:
            self.passed += 1
            print("ok - %s" % name)
        sys.stdout.flush()

    def not_ok(self, name, why):
        name = self.prefix + name
        self.failed += 1
        print("not ok - %s" % name)
        comment(why)
        sys.stdout.flush()


def run_file(f, mod, tests, args, counts):
    modes = getattr(mod, "MODES", ("nginx", "cgi"))
    if args.mode not in modes:
        for n, _ in tests:
            counts.ok("%s::%s" % (f, n), skip=args.mode)
        return
    opts = dict(getattr(mod, "STACK_OPTIONS", {}))
    stack = harness.Stack(args.bin, args.mode, name=f, **opts)
    t0 = time.time()
    try:
        try:
            stack.start()
        except (Exception, Timeout) as e:
            why = "stack start failed: %s" % e
            if args.verbose:
                why += "\n" + traceback.format_exc()
            for n, _ in tests:
                counts.not_ok("%s::%s" % (f, n), why)
            return
        if args.shuffle is not None:
            tests = list(tests)
            random.Random("%d:%s" % (args.shuffle, f)).shuffle(tests)
        for n, fn in tests:
            run_one(f, n, fn, stack, args, counts)
        after_file(f, stack, counts, args)
    finally:
        signal.alarm(0)
        stack.stop()
        for msg in stack.notes:
            print("# note (%s): %s" % (f, msg))
        if args.verbose:
            print("# %s: %.1fs" % (f, time.time() - t0))


def run_one(f, n, fn, stack, args, counts):
    name = "%s::%s" % (f, n)
    if getattr(fn, "nginx_only", False) and stack.mode != "nginx":
        counts.ok(name, skip=stack.mode)
        return
    if stack.mode == "nginx" and (stack.server is None or stack.server.poll() is not None):
        # An earlier test killed the server: start a fresh one.
        stack.note("jwtmint --listen had exited (status %s) before %s; restarted"
                   % (stack.server and stack.server.returncode, n))
        try:
            stack.restart_server()
        except Exception as e:
            counts.not_ok(name, "cannot restart jwtmint: %s" % e)
            return
    before = stack.worker_pids() if stack.mode == "nginx" else set()
    hk_before = stack.housekeeper_pid() if stack.mode == "nginx" else None
    t0 = time.time()
    signal.alarm(args.timeout)
    try:
        fn(stack)
        signal.alarm(0)
    except harness.Skip as e:
        signal.alarm(0)
        counts.ok(name, skip=str(e) or stack.mode)
        return
    except (Exception, Timeout) as e:
        signal.alarm(0)
        if isinstance(e, AssertionError):
            tb = traceback.extract_tb(e.__traceback__)
            where = [fr for fr in tb if fr.filename.endswith(f)]
            loc = ("%s:%d: " % (f, where[-1].lineno)) if where else ""
            why = loc + (str(e) or "assertion failed")
            if args.verbose:
                why += "\n" + traceback.format_exc()
        else:
            why = traceback.format_exc()
        counts.not_ok(name, why)
        return
    if stack.mode == "nginx" and not getattr(fn, "allow_worker_exit", False) and before:
        hk_after = stack.housekeeper_pid()
        # A child seen before it named itself may be the housekeeper.
        gone = before - stack.worker_pids() - {hk_after}
        if hk_before and hk_after != hk_before:
            gone.add(hk_before)     # the housekeeper died (and was restarted)
        if gone:
            counts.not_ok(name, "jwtmint worker(s) %s exited during the test (crash?); log tail:\n%s"
                          % (sorted(gone), stack.logs()[-1500:]))
            return
    if args.verbose:
        print("# %.2fs" % (time.time() - t0))
    counts.ok(name)


def after_file(f, stack, counts, args):
    # Stop the server first: LeakSanitizer reports come at exit.
    if stack.mode == "nginx":
        stack.stop_server()
    name = "%s::no_secret_in_logs_or_database" % f
    try:
        leaks = stack.leaked_secrets()
    except Exception as e:
        leaks = ["check failed: %s" % e]
    if leaks:
        counts.not_ok(name, "\n".join(leaks))
    else:
        counts.ok(name)
    name = "%s::no_sanitizer_report" % f
    reports = stack.sanitizer_reports()
    if reports:
        log = stack.logs(admin=True)
        i = max(0, min(log.find(r) for r in reports) - 200)
        counts.not_ok(name, "%d sanitizer line(s):\n%s" % (len(reports), log[i:i + 4000]))
    else:
        counts.ok(name)


def main():
    ap = argparse.ArgumentParser(description="jwtmint integration tests")
    ap.add_argument("--mode", choices=("nginx", "cgi"), default="nginx")
    ap.add_argument("--bin", default="build", help="directory of jwtmint and jwtmint-admin")
    ap.add_argument("--filter", default="", help="run only tests whose FILE::NAME contains this")
    ap.add_argument("--exclude", default="", help="comma-separated files to leave out (e.g. test_run.py)")
    ap.add_argument("--only", default="", help="comma-separated files to run, none other (a shard of a pass)")
    ap.add_argument("--label", default="", help="prefix of every test name (e.g. asan)")
    ap.add_argument("--timeout", type=int, default=int(os.environ.get("JWTMINT_IT_TIMEOUT", "60")))
    ap.add_argument("--shuffle", type=int, metavar="SEED", help="run the tests of each file in a random order")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    if not os.path.isabs(args.bin) and not os.path.isdir(args.bin):
        args.bin = os.path.join(os.path.dirname(os.path.dirname(HERE)), args.bin)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)

    counts = Counts(args.label)
    t0 = time.time()
    print("# integration: mode=%s bin=%s" % (args.mode, os.path.abspath(args.bin)))
    try:
        excluded = set(filter(None, args.exclude.split(",")))
        only = set(filter(None, args.only.split(",")))
        for f, mod, tests, err in discover(args.filter):
            if f in excluded or (only and f not in only):
                continue
            if mod is None:
                counts.not_ok("%s::import" % f, err)
                continue
            run_file(f, mod, tests, args, counts)
    except (KeyboardInterrupt, Interrupted) as e:
        counts.not_ok("interrupted", repr(e))
    print("# %s: %.1fs" % (args.mode, time.time() - t0))
    print("# %d passed, %d failed, %d skipped" % (counts.passed, counts.failed, counts.skipped))
    if counts.passed + counts.failed == 0:
        print("# no test ran")
        return 1
    return 1 if counts.failed else 0


if __name__ == "__main__":
    sys.exit(main())
