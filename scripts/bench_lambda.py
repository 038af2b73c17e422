#!/usr/bin/env python3
"""The Lambda packages' figures: each function's zip size and its cold-start proxy.

For every function in template.yaml, reads target/lambda/<binary>/bootstrap.zip (made by
scripts/package), unpacks its `bootstrap` and starts it as Lambda does: the environment the
template gives it (intrinsics resolved to stand-ins; its secrets created on the moto server at
MOTO_ENDPOINT, which it reads at init), behind a Runtime API served here. The cold-start proxy
is the time from starting the process to its first poll of the Runtime API for an invocation:
everything its init does (configuration, AWS clients, secrets) and the process start itself.

Budgets: every zip under 15 MB, cold-start proxy p95 under 30 ms. Exit status 1 when one is
missed or a function fails to start.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
from cfnlint.decode import cfn_yaml

ZIP_BUDGET = 15 * 1024 * 1024
COLD_BUDGET_MS = 30.0
# The most a zip may weigh for a direct upload to Lambda (the --start-only check).
LAMBDA_ZIP_LIMIT = 50 * 1024 * 1024
ACCOUNT = "123456789012"
REGION = "us-east-1"
STAGE = "bench"


class Runtime(BaseHTTPRequestHandler):
    """A Runtime API that notes the first poll for an invocation and never answers it."""

    polled = threading.Event()
    polled_at = 0.0

    def do_GET(self):  # noqa: N802 (the http.server interface)
        if self.path.endswith("/runtime/invocation/next") and not Runtime.polled.is_set():
            Runtime.polled_at = time.perf_counter()
            Runtime.polled.set()
        # Held open until the process is stopped: an invocation that never comes.
        time.sleep(30)

    def log_message(self, *_):
        pass


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def functions(template):
    for name, res in template["Resources"].items():
        if res.get("Type") == "AWS::Serverless::Function":
            binary = res.get("Metadata", {}).get("BuildProperties", {}).get("Binary")
            if binary:
                yield name, binary, res["Properties"].get("Environment", {}).get("Variables", {})


class Resolver:
    """Stand-ins for what the template's intrinsics name, real where a function reads them at init."""

    def __init__(self, template, moto):
        self.template = template
        self.moto = moto
        self.secrets = {}

    def ref(self, name):
        res = self.template["Resources"].get(name)
        if res is None:
            return {"Stage": STAGE, "AWS::Region": REGION, "AWS::URLSuffix": "amazonaws.com",
                    "AWS::AccountId": ACCOUNT, "PortalDomain": "portal.example.com",
                    "MailFromAddress": "no-reply@portal.example.com"}.get(name, name)
        kind = res["Type"]
        if kind == "AWS::SecretsManager::Secret":
            return self.secret(name)
        if kind == "AWS::SQS::Queue":
            return f"{self.moto}/{ACCOUNT}/kt-portal-{STAGE}-{name.lower()}"
        return f"kt-portal-{STAGE}-{name.lower()}"

    def secret(self, name):
        if name not in self.secrets:
            sm = boto3.client("secretsmanager", endpoint_url=self.moto, region_name=REGION,
                              aws_access_key_id="testing", aws_secret_access_key="testing")
            secret_name = f"kt-portal/{STAGE}/{name.lower()}-{os.getpid()}"
            made = sm.create_secret(Name=secret_name, SecretString=os.urandom(32).hex())
            self.secrets[name] = made["ARN"]
        return self.secrets[name]

    def value(self, v):
        if isinstance(v, str):
            return v
        if isinstance(v, dict) and "Ref" in v:
            return self.ref(v["Ref"])
        if isinstance(v, dict) and "Fn::Sub" in v:
            text = v["Fn::Sub"] if isinstance(v["Fn::Sub"], str) else v["Fn::Sub"][0]
            return re.sub(r"\$\{([^}.]+)(?:\.[^}]+)?\}", lambda m: str(self.ref(m.group(1))), text)
        if isinstance(v, dict) and "Fn::GetAtt" in v:
            return f"{self.ref(v['Fn::GetAtt'][0])}-attr"
        raise SystemExit(f"cannot resolve {v!r}")


def cold_start(bootstrap, env, runs):
    times = []
    for _ in range(runs):
        Runtime.polled.clear()
        start = time.perf_counter()
        proc = subprocess.Popen([str(bootstrap)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        polled = False
        while not polled and proc.poll() is None:
            polled = Runtime.polled.wait(0.01)
        proc.kill()
        _, err = proc.communicate()
        if not polled:
            raise RuntimeError(f"{bootstrap.parent.name} exited before polling: {err.decode(errors='replace')[-2000:]}")
        times.append((Runtime.polled_at - start) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--template", default="template.yaml")
    parser.add_argument("--lambda-dir", default="target/lambda", help="where scripts/package left the zips")
    parser.add_argument("--runs", type=int, default=30, help="cold starts per function (default 30)")
    parser.add_argument("--start-only", action="store_true",
                        help="only check that each package starts and fits Lambda's 50 MB limit for a zip (CI: its "
                             "package-ci builds are unoptimised and timings on a shared runner vary; the budgets "
                             "are release's)")
    parser.add_argument("--only", nargs="+", metavar="BINARY", help="only these function binaries")
    parser.add_argument("--moto", default=os.environ.get("MOTO_ENDPOINT"), help="moto server (default $MOTO_ENDPOINT)")
    args = parser.parse_args()
    if not args.moto:
        parser.error("a moto server is needed (--moto or MOTO_ENDPOINT): functions read their secrets at init")

    template = cfn_yaml.load(args.template)
    resolver = Resolver(template, args.moto)
    globals_env = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    memory = template.get("Globals", {}).get("Function", {}).get("MemorySize", 128)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Runtime)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()

    failed = False
    print(f"{'function':<16} {'zip MB':>7} {'cold p50 ms':>12} {'cold p95 ms':>12} {'max ms':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for name, binary, own_env in functions(template):
            if args.only and binary not in args.only:
                continue
            package = Path(args.lambda_dir) / binary / "bootstrap.zip"
            if not package.exists():
                print(f"{binary:<16} missing {package}: run scripts/package first", file=sys.stderr)
                failed = True
                continue
            size = package.stat().st_size
            target = Path(tmp) / binary
            with zipfile.ZipFile(package) as z:
                z.extractall(target)
            bootstrap = target / "bootstrap"
            bootstrap.chmod(0o755)
            env = {k: str(resolver.value(v)) for k, v in {**globals_env, **own_env}.items()}
            env.update({
                "PATH": "/usr/bin:/bin",
                "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{server.server_port}",
                "AWS_LAMBDA_FUNCTION_NAME": f"kt-portal-{STAGE}-{name}",
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory),
                "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
                "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
                "LAMBDA_TASK_ROOT": str(target),
                "_HANDLER": "bootstrap",
                "AWS_REGION": REGION,
                "AWS_DEFAULT_REGION": REGION,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_ENDPOINT_URL": args.moto,
            })
            try:
                times = cold_start(bootstrap, env, args.runs)
            except RuntimeError as e:
                print(e, file=sys.stderr)
                failed = True
                continue
            p95 = percentile(times, 95)
            if args.start_only:
                over = size >= LAMBDA_ZIP_LIMIT
            else:
                over = size >= ZIP_BUDGET or p95 >= COLD_BUDGET_MS
            failed |= over
            print(f"{binary:<16} {size / 1024 / 1024:>7.2f} {statistics.median(times):>12.1f} {p95:>12.1f} "
                  f"{max(times):>8.1f}{'  OVER BUDGET' if over else ''}")
    print(f"budgets: zip < {ZIP_BUDGET // 1024 // 1024} MB, cold-start proxy p95 < {COLD_BUDGET_MS:.0f} ms "
          f"({args.runs} starts each; secrets from the moto server at {args.moto})")
    server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
