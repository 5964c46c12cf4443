#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""JSON that scripts can trust (docs/cli-json.md): every --json output names its schema
("kvmcpu-<command>/<version>") and validates against docs/schema/kvmcpu-<command>.schema.json;
64-bit values are "0x..." strings, so no JSON number is beyond what a double holds exactly
(2^53); lists are arrays.

COMMANDS lists the runs checked; a subcommand whose --help offers --json and that is not
in it fails the test, so a new command comes with its schema. The schemas are also checked
with Debian's python3-jsonschema (a full draft 2020-12 validator) when it is installed.
"""
import json
import os
import re
import subprocess
import tempfile

from jsonschema_subset import validate
from kvmcpu_test import HOSTS, SRCDIR, Checker, run

SCHEMAS = os.path.join(SRCDIR, "docs", "schema")
IMPORTS = os.path.join(SRCDIR, "tests", "imports")
HSW = os.path.join(HOSTS, "intel-haswell.txt")
EVMCS = os.path.join(HOSTS, "hv-intel-evmcs.txt")     # kvm_intel, nested, Hyper-V, VMX MSRs
HVI = os.path.join(HOSTS, "hv-intel-noevmcs.txt")
LIVE = os.access("/dev/kvm", os.R_OK | os.W_OK)

# (schema command, arguments before --json, needs /dev/kvm)
COMMANDS = [
    ("models", ["models", "--host", HSW], False),
    ("models", ["models", "--runnable", "--host", EVMCS], False),
    ("model", ["model", "Skylake-Server"], False),
    ("model", ["model", "EPYC-Rome-v4"], False),
    ("cpuid", ["cpuid", "--cpu", "Skylake-Server-v4", "--hv", "windows", "--nested", "--host", EVMCS], False),
    ("cpuid", ["cpuid", "--cpu", "Haswell", "--host", HSW], False),
    ("cpuid", ["cpuid", "--cpu", "EPYC-Rome", "--smp", "4", "--vcpu", "3", "--host", HSW], False),
    ("host", ["host", "--host", EVMCS], False),
    ("host", ["host", "--host", os.path.join(IMPORTS, "firecracker-intel-cascadelake-6.1.json")], False),
    ("host", ["host", "--host", os.path.join(IMPORTS, "instlatx64-conroe.txt")], False),
    ("hv", ["hv", "--host", HVI], False),
    ("hv", ["hv", "--no-host"], False),
    ("host", ["host"], True),
    ("run", ["run", "--cpu", "x86-64-v2", "--msr", "0x10a", "--msr", "0xc0017777"], True),
    ("verify", ["verify", "--cpu", "Haswell", "--cpu", "EPYC-Rome"], True),
    ("compare", ["compare", "--cpu", "Haswell-noTSX", "--hv", "windows", HSW, EVMCS], False),
    ("baseline", ["baseline", "--hv", "windows", EVMCS, HVI], False),
    ("baseline", ["baseline", HSW, os.path.join(HOSTS, "amd-epyc-rome.txt")], False),
    ("export", ["export", "--format", "qemu", "--cpu", "EPYC-Rome", "--host", HSW], False),
    ("export", ["export", "--format", "libvirt", "--cpu", "Haswell-v4", "--lossy", "--host", HSW], False),
    ("migrate-check", ["migrate-check", "--cpu", "Skylake-Server-v4", "--hv", "windows", EVMCS, HVI], False),
]


def commands_with_json():
    _, out, _ = run("--help", check=0)
    names = re.findall(r"^  (\S+) ", out, re.M)
    return [n for n in names if "--json" in run(n, "--help")[1]]


def big_numbers(v, path="$"):
    """Numbers a double cannot hold exactly: what jq would round."""
    if isinstance(v, bool):
        return []
    if isinstance(v, int):
        return [path] if abs(v) > 2 ** 53 else []
    if isinstance(v, list):
        return sum((big_numbers(x, "%s[%d]" % (path, i)) for i, x in enumerate(v)), [])
    if isinstance(v, dict):
        return sum((big_numbers(x, "%s.%s" % (path, k)) for k, x in v.items()), [])
    return []


def load_schema(c, cmd):
    path = os.path.join(SCHEMAS, "kvmcpu-%s.schema.json" % cmd)
    if not c.check(os.path.exists(path), "docs/schema/kvmcpu-%s.schema.json exists" % cmd):
        return None
    with open(path) as f:
        schema = json.load(f)
    names = versions(schema)
    c.check(names and all(n.startswith("kvmcpu-%s/" % cmd) for n in names),
            "%s: the schema names its versions: %r" % (cmd, names))
    return schema


def versions(schema):
    """The schema member's values the file accepts ("kvmcpu-<command>/<version>")."""
    s = schema["properties"]["schema"]
    return [s["const"]] if "const" in s else s.get("enum", [])


def cross_check(c, pairs):
    """The same documents through Debian's jsonschema (python3-jsonschema), if present."""
    script = ("import json,sys\nfrom jsonschema import Draft202012Validator as V\n"
              "bad=0\nfor s,i in json.load(open(sys.argv[1])):\n"
              " V.check_schema(s)\n errs=list(V(s).iter_errors(i))\n"
              " bad+=len(errs)\n [print(e.message[:200]) for e in errs[:3]]\nprint('errors', bad)\n")
    for py in ("/usr/bin/python3", "python3"):
        probe = subprocess.run([py, "-c", "import jsonschema"], capture_output=True)
        if probe.returncode == 0:
            break
    else:
        print("SKIPPED (loudly): python3-jsonschema is not installed (scripts/install-deps.sh "
              "installs it); only the built-in subset validator ran")
        return
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(pairs, f)
    try:
        p = subprocess.run([py, "-c", script, f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    c.check(p.returncode == 0 and p.stdout.strip().endswith("errors 0"),
            "python3-jsonschema agrees: %s %s" % (p.stdout[-600:], p.stderr[-600:]))


def main():
    c = Checker("json-schema")
    listed = {cmd for cmd, _, _ in COMMANDS}
    for name in commands_with_json():
        c.check(name in listed, "kvmcpu %s has --json but no schema check in COMMANDS" % name)
    pairs = []
    for cmd, args, live in COMMANDS:
        if live and not LIVE:
            print("SKIPPED (loudly): /dev/kvm is not usable; kvmcpu %s --json was not checked" % " ".join(args))
            continue
        schema = load_schema(c, cmd)
        rc, out, err = run(*args, "--json")
        if not c.check(rc in (0, 1), "kvmcpu %s --json: exit %d %s" % (" ".join(args), rc, err[-300:])):
            continue
        doc = json.loads(out)
        c.check(schema and doc.get("schema") in versions(schema),
                "%s: schema member %r" % (" ".join(args), doc.get("schema")))
        c.eq(big_numbers(doc), [], "%s: numbers beyond 2^53" % " ".join(args))
        if schema:
            errors = validate(doc, schema)
            c.check(not errors, "%s: %s" % (" ".join(args), "; ".join(errors[:5])))
            pairs.append((schema, doc))
    # The validator rejects what the schemas forbid (a test that can fail).
    models = load_schema(c, "models")
    c.check(validate({"schema": "kvmcpu-models/1", "models": [{"name": "x"}]}, models),
            "a row without its members is refused")
    cpuid = load_schema(c, "cpuid")
    doc = json.loads(run("cpuid", "--cpu", "Haswell", "--host", HSW, "--json")[1])
    doc["words"][0]["value"] = int(doc["words"][0]["value"], 16)
    c.check(validate(doc, cpuid), "an integer feature word is refused")
    doc["words"][0]["value"] = "0x1"
    c.check(validate(doc, cpuid), "a short hex string is refused")
    doc = json.loads(run("cpuid", "--cpu", "Haswell", "--host", HSW, "--json")[1])
    doc["dropped"] = "avx2 fma"
    c.check(validate(doc, cpuid), "a space-separated list is refused")
    cross_check(c, pairs)
    c.finish()


if __name__ == "__main__":
    main()
