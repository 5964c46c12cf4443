# SPDX-License-Identifier: MIT
"""Shared helpers of the CLI tests: run the CLI, read the reference data, report."""
import json
import os
import subprocess
import sys

SRCDIR = os.environ.get("KVMCPU_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("KVMCPU_CLI", os.path.join(SRCDIR, "build", "cli", "kvmcpu"))
HOSTS = os.path.join(SRCDIR, "tests", "hosts")
FIXTURES = sorted(f for f in os.listdir(HOSTS) if f.endswith(".txt") and not f.startswith("hv-"))


def run(*args, check=None):
    """Runs kvmcpu; returns (exit code, stdout, stderr)."""
    p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120)
    if check is not None and p.returncode != check:
        raise AssertionError("kvmcpu %s: exit %d, expected %d\nstdout: %s\nstderr: %s" % (
            " ".join(args), p.returncode, check, p.stdout[-2000:], p.stderr[-2000:]))
    return p.returncode, p.stdout, p.stderr


def run_json(*args):
    _, out, _ = run(*args, "--json", check=0)
    return json.loads(out)


def load_data(name):
    with open(os.path.join(SRCDIR, "data", name)) as f:
        return json.load(f)


class Checker:
    """Counts checks; prints failures and the closing 'N passed, N failed' line."""

    def __init__(self, name):
        self.name, self.passed, self.failed = name, 0, 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s" % what, file=sys.stderr)
        return cond

    def eq(self, got, want, what):
        return self.check(got == want, "%s: got %r, want %r" % (what, got, want))

    def finish(self):
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        sys.exit(1 if self.failed or not self.passed else 0)
