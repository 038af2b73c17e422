#!/usr/bin/env python3
"""Schema-driven fuzzing of the whole API with schemathesis, as each role of the demo.

Seeds a fresh data directory with the demo, serves it with the portal binary on a free port,
signs in every demo login on its own portal's host, and runs schemathesis over the served
OpenAPI document once anonymously and once per login, each for a bounded time. Every response
is checked: no status >= 500, only documented statuses and content types, and bodies that match
the documented schema. A failure prints schemathesis' reproduction (a curl command) and the run
exits non-zero. Reports (JUnit) go to target/test-logs/fuzz/.

Usage: scripts/fuzz [--portal target/debug/portal] [--seconds 40] [--seed N]
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".tools" / "venv" / "bin"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
# Operations that end the caller's own session would leave the rest of its run signed out;
# they are fuzzed anonymously (where they answer 401) and by the Rust tests.
SESSION_ENDERS = r"/auth/(sign-out|sessions/revoke-all|sessions/\{session_id\})$"
# Clients first, the platform's operator last: what a later role changes (a tenant suspended,
# a user disabled) then cannot shorten an earlier role's run.
ORDER = ["client", "partner_staff", "partner", "staff", "super_admin"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(method: str, url: str, host: str, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Host", host)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.headers, res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def wait_healthy(base: str, server: subprocess.Popen, log: Path) -> None:
    for _ in range(200):
        if server.poll() is not None:
            sys.exit(f"the portal did not start:\n{log.read_text()}")
        try:
            if request("GET", f"{base}/api/v1/health", "localhost")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit("the portal did not answer /api/v1/health in 20 s")


def sign_in(base: str, login: dict) -> str:
    host = login["url"].split("://", 1)[1]
    status, headers, body = request(
        "POST",
        f"{base}/api/v1/auth/sign-in",
        host,
        {"email": login["email"], "password": login["password"]},
        {"X-Requested-With": "fuzz"},
    )
    if status != 200:
        sys.exit(f"sign-in of {login['email']} answered {status}: {body[:300]!r}")
    for cookie in headers.get_all("Set-Cookie") or []:
        name, _, rest = cookie.partition("=")
        if name == "__Host-kt_session":
            return rest.split(";", 1)[0]
    sys.exit(f"sign-in of {login['email']} set no session cookie")


def fuzz(label: str, base: str, host: str, seconds: int, seed: int, token: str | None, exclude: str | None) -> bool:
    report = ROOT / "target" / "test-logs" / "fuzz" / label
    shutil.rmtree(report, ignore_errors=True)
    # schemathesis' CLI through a wrapper that works around a bug of this machine's Python.
    cmd = [
        str(VENV_BIN / "python"),
        str(ROOT / "scripts" / "schemathesis_cli.py"),
        "run",
        f"{base}/api/v1/openapi.json",
        "--url",
        base,
        "--checks",
        CHECKS,
        "--max-time",
        str(seconds),
        "--workers",
        "2",
        "--seed",
        str(seed),
        "--request-timeout",
        "10",
        "--report",
        "junit",
        "--report-dir",
        str(report),
        "--header",
        f"Host: {host}",
        "--no-color",
    ]
    if token:
        cmd += ["--header", f"Authorization: Bearer {token}"]
    if exclude:
        cmd += ["--exclude-path-regex", exclude]
    print(f"==> fuzz as {label} on {host} for {seconds} s", flush=True)
    started = time.monotonic()
    result = subprocess.run(cmd, capture_output=True, text=True)
    out = result.stdout + result.stderr
    summary = [line for line in out.splitlines() if "generated" in line and "Test cases" not in line]
    took = time.monotonic() - started
    if result.returncode != 0:
        print(out)
        print(f"FAIL: fuzz as {label} (exit {result.returncode}, {took:.0f} s)", flush=True)
        return False
    print(f"    {summary[-1].strip() if summary else 'done'} ({took:.0f} s)", flush=True)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--portal", default=str(ROOT / "target" / "debug" / "portal"), help="the portal binary")
    parser.add_argument("--seconds", type=int, default=40, help="time budget per role (default 40)")
    parser.add_argument("--seed", type=int, default=20261204, help="schemathesis seed (reproducible runs)")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 80:
        sys.exit("--seconds must be 1 to 80: every role's token, signed in at the start, lives ten minutes")

    data = Path(tempfile.mkdtemp(prefix="kt-fuzz-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = ROOT / "target" / "test-logs" / "fuzz-portal.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    seeded = subprocess.run(
        [args.portal, "seed", "--demo", "--json", "--data-dir", str(data), "--port", str(port)],
        capture_output=True,
        text=True,
        check=True,
    )
    logins = json.loads(seeded.stdout)
    with open(log, "w") as out:
        server = subprocess.Popen(
            [args.portal, "serve", "--port", str(port), "--data-dir", str(data)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    ok = True
    try:
        wait_healthy(base, server, log)
        runs = [("anonymous", f"localhost:{port}", None, None)]
        seen = set()
        for role in ORDER:
            for login in logins:
                if login["role"] != role:
                    continue
                label = f"{role}-{login['tenant']}"
                if label in seen:
                    continue
                seen.add(label)
                host = login["url"].split("://", 1)[1]
                runs.append((label, host, login, SESSION_ENDERS))
        # Everyone signs in before any fuzzing: the runs try sign-ins of their own, and the
        # per-address throttle would then refuse ours. An access token lives ten minutes, so
        # the whole run stays within that (see --seconds).
        tokens = {label: sign_in(base, login) if login else None for label, _, login, _ in runs}
        for label, host, _, exclude in runs:
            ok &= fuzz(label, base, host, args.seconds, args.seed, tokens[label], exclude)
        if server.poll() is not None:
            print(f"FAIL: the portal exited during the run:\n{log.read_text()[-3000:]}")
            ok = False
        crashed = [line for line in log.read_text().splitlines() if "panicked" in line]
        if crashed:
            print("FAIL: the portal panicked:\n" + "\n".join(crashed[:20]))
            ok = False
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)
    print("fuzz: all runs clean" if ok else "fuzz: failures above", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
