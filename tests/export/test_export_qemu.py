#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Proof by the real client: QEMU started with `kvmcpu export --format qemu`'s -cpu
argument hands KVM_SET_CPUID2 kvmcpu's table for the same spec.

For every model name this QEMU lists (and kvmcpu knows) and a set of modified specs,
the argument is exported, QEMU runs with it under the conformance recorder
(tests/conformance/qemu_table.py, kvm_record.c), and each vCPU's recorded table and
feature MSRs are compared with `kvmcpu cpuid --json` of the same spec, every register
of every leaf. A difference passes only when the whole-table harness
(tests/conformance/table_conformance.py) names it as a deliberate divergence or a
known gap of the table itself, which the export cannot change; those are counted
apart, and every run says how many tables were identical.

  test_export_qemu.py --cli build/cli/kvmcpu --qemu 7.2 [--jobs 2] [--models A,B]
  test_export_qemu.py --cli build/cli/kvmcpu --qemu 7.2 --via libvirt

--via libvirt exports the libvirt fragment instead, wraps it in a domain and lets
libvirt write the QEMU command line (`virsh domxml-to-native qemu-argv`, libvirt's QEMU
driver embedded in a private root, run as an unprivileged user: Debian's libvirt
without libvirt-daemon-system has no libvirt-qemu user for a root daemon, and the
unprivileged driver probes QEMU without /dev/kvm, so the domain is type='qemu'); the
-cpu argument libvirt writes is then run under KVM as above. Specs the libvirt format
refuses (no libvirt 9.0 model or feature name) are counted apart.

KVMCPU_ORACLE_DIR overrides where the recorder is looked for (default: this tree's
tests/conformance). Exit 0 pass, 1 failure, 77 skipped (said loudly).
"""
import argparse
import concurrent.futures
import importlib.util
import json
import os
import pwd
import re
import shlex
import shutil
import tempfile
import threading
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TREE = os.path.normpath(os.path.join(HERE, "..", ".."))

# Specs beyond the bare names: features added, removed, both (QEMU names in +/no_ form).
MODIFIED = [
    "486+mmx+cmov", "pentium3+sse2", "coreduo+nx", "athlon+sse2+no_3dnow", "Opteron_G1+cx16",
    "Conroe+cx16", "Westmere+no_aes", "Haswell-noTSX+no_avx2+no_fma",
    "SandyBridge+no_avx+no_xsave", "Penryn+no_sse4.1", "Opteron_G3+no_3dnow",
    "EPYC+no_sha-ni", "Skylake-Client+no_mpx", "IvyBridge+no_rdrand+no_f16c",
    "Cooperlake+no_avx512-bf16", "qemu64+no_sse2+no_lm",
]

# kvmcpu's psABI level models.
PSABI = ["x86-64-v1", "x86-64-v2", "x86-64-v2-AES", "x86-64-v3", "x86-64-v4"]

# Clusters of recorded hosts whose `kvmcpu baseline` answers (the model and the spec)
# are exported and run too: what an operator pastes into the cluster's VM configs.
BASELINE_SETS = [
    ["intel-skylake-server.txt", "intel-icelake-server.txt", "intel-sapphirerapids.txt"],
    ["intel-haswell.txt", "intel-skylake-server.txt"],
    ["amd-epyc-rome.txt", "amd-epyc-genoa.txt"],
    ["intel-haswell.txt", "amd-epyc-rome.txt"],
]

# Specs exported with --smp: the -smp QEMU gets is the exported one.
WITH_SMP = [("Skylake-Server", "4,sockets=2,cores=2"), ("EPYC-Rome", "2,threads=2")]

# Specs exported with more of the parameter string (--kvm): QEMU gets the exported
# properties (pmu=on; libvirt's <pmu state='on'/>), kvmcpu's table the same string.
WITH_PARAMS = [("Skylake-Server", None, "pmu"), ("EPYC-Rome", None, "pmu")]


def skip(why):
    print("SKIP (loudly): %s" % why, flush=True)
    sys.exit(77)


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def oracle():
    d = os.environ.get("KVMCPU_ORACLE_DIR") or os.path.join(TREE, "tests", "conformance")
    need = ["qemu_table.py", "table_conformance.py", "kvm_record.c"]
    missing = [n for n in need if not os.path.exists(os.path.join(d, n))]
    if missing:
        skip("the conformance recorder is missing (%s in %s): the QEMU round trip of "
             "`kvmcpu export --format qemu` did not run" % (", ".join(missing), d))
    sys.path.insert(0, d)
    load("qemu_conformance", os.path.join(d, "qemu_conformance.py"))
    return load("qemu_table", os.path.join(d, "qemu_table.py")), \
        load("table_conformance", os.path.join(d, "table_conformance.py"))


class NoSmp(Exception):
    pass


def export_arg(cli, spec, extra=()):
    """(-cpu argument, -smp argument or None) of `kvmcpu export --format qemu`."""
    p = subprocess.run([cli, "export", "--format", "qemu", "--cpu", spec] + list(extra),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode and "--smp" in extra and "smp" in p.stderr:
        raise NoSmp(p.stderr.strip().splitlines()[0])
    if p.returncode:
        raise RuntimeError("kvmcpu export --cpu %s exited %d: %s" % (spec, p.returncode,
                                                                     p.stderr.strip()))
    words = shlex.split(p.stdout)
    if words[0] != "-cpu" or len(words) not in (2, 4):
        raise RuntimeError("unexpected export output: %r" % p.stdout)
    if len(words) == 4 and words[2] != "-smp":
        raise RuntimeError("unexpected export output: %r" % p.stdout)
    return words[1], words[3] if len(words) == 4 else None


DOMAIN = """<domain type='qemu'>
  <name>kvmcpu-export</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
%s
</domain>
"""


class Refused(Exception):
    pass


class Libvirt:
    """libvirt's QEMU driver, embedded in a private root owned by an unprivileged user."""

    def __init__(self):
        for tool in ("virsh", "setpriv"):
            if not shutil.which(tool):
                skip("%s is missing (Debian's libvirt-clients / util-linux): the libvirt round "
                     "trip did not run" % tool)
        self.root = tempfile.mkdtemp(prefix="kvmcpu-libvirt-")
        self.prefix = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            os.chown(self.root, nobody.pw_uid, nobody.pw_gid)
            self.prefix = ["setpriv", "--reuid=%d" % nobody.pw_uid,
                           "--regid=%d" % nobody.pw_gid, "--clear-groups"]
        self.lock = threading.Lock()  # one embedded driver at a time holds the root
        self.env = dict(os.environ, HOME=self.root, XDG_CACHE_HOME=self.root + "/cache",
                        XDG_CONFIG_HOME=self.root + "/config", XDG_RUNTIME_DIR=self.root + "/run")

    def cpu_arg(self, fragment):
        fd, path = tempfile.mkstemp(suffix=".xml", dir=self.root)
        with os.fdopen(fd, "w") as f:
            f.write(DOMAIN % fragment)
        os.chmod(path, 0o644)
        with self.lock:
            p = subprocess.run(self.prefix + ["virsh", "-q", "-c", "qemu:///embed?root=%s/root" %
                                              self.root, "domxml-to-native", "qemu-argv", path],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env,
                               universal_newlines=True, timeout=120)
        os.unlink(path)
        if p.returncode:
            raise RuntimeError("virsh domxml-to-native: %s" % p.stderr.strip()[-400:])
        m = re.search(r"(?:^|\s)-cpu\s+(\S+)", p.stdout)
        if not m:
            raise RuntimeError("libvirt wrote no -cpu: %s" % p.stdout[-400:])
        return m.group(1).strip("'")

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


def libvirt_arg(cli, lv, spec, extra=()):
    p = subprocess.run([cli, "export", "--format", "libvirt", "--cpu", spec] + list(extra),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode == 2 and ("cannot express" in p.stderr or "knows no model" in p.stderr):
        raise Refused(p.stderr.strip().splitlines()[0])
    if p.returncode:
        raise RuntimeError("kvmcpu export --format libvirt --cpu %s exited %d: %s"
                           % (spec, p.returncode, p.stderr.strip()))
    return lv.cpu_arg(p.stdout)


def run_one(args, qt, tc, target, spec, vendors, lv=None):
    spec, smp, params = (spec + (None,))[:3] if isinstance(spec, tuple) else (spec, None, None)
    extra = ["--kvm", params] if params else []
    res = {"spec": spec + (" --smp " + smp if smp else "") + (" --kvm " + params if params else ""),
           "state": None, "diffs": []}
    model = spec.split("+")[0]
    try:
        if lv:
            arg, qsmp = libvirt_arg(args.cli, lv, spec, extra), None
        else:
            arg, qsmp = export_arg(args.cli, spec, (["--smp", smp] if smp else []) + extra)
        if qsmp != smp:
            raise RuntimeError("--smp %s exported as -smp %s" % (smp, qsmp))
        res["arg"] = arg
        table = qt.qemu_table(target, arg, smp, 60.0)
        ours, _ = qt.kvmcpu_tables(args.cli, spec, smp, len(table["vcpus"]), extra=extra)
    except NoSmp as e:
        res["state"] = "no-smp"
        res["error"] = str(e)
        return res
    except Refused as e:
        res["state"] = "refused"
        res["error"] = str(e)
        return res
    except Exception as e:  # noqa: BLE001 - every failure is reported with its spec
        res["state"] = "error"
        res["error"] = str(e)
        return res
    for qv, kv in zip(table["vcpus"], ours):
        ctx = tc.Context(model, vendors.get(model, ""), table["qemu"], smp or "1", qv,
                         kv["doc"])
        for d in qt.table_diffs(qv, kv):
            d["hits"], d["left"] = tc.explain(d, ctx)
            res["diffs"].append(d)
    res["state"] = tc.classify(res["diffs"])
    return res


def note_params_without_effect(cli, specs):
    """Says loudly which --kvm parameters leave kvmcpu's table unchanged on this host (a
    KVM without a PMU, say): for those the round trip cannot tell them from their absence."""
    for spec, _, params in [s for s in specs if isinstance(s, tuple) and len(s) > 2]:
        tables = [subprocess.run([cli, "cpuid", "--json", "--cpu", spec] + extra,
                                 stdout=subprocess.PIPE, universal_newlines=True).stdout
                  for extra in ([], ["--kvm", params])]
        if tables[0] == tables[1]:
            print("NOTE (loudly): --kvm %s changes nothing in %s's table on this host: the "
                  "round trip shows QEMU accepts the export, not that it has the same effect"
                  % (params, spec))


def baseline_specs(cli, names, with_specs):
    """The baseline answers (model, spec) of BASELINE_SETS whose base model this QEMU
    has (psABI answers always: they go out as qemu64 plus properties). This host's own
    recording joins every set, so that each answer is one this host runs. The spec
    answers name features of QEMU 11.1's list (fdp-excptn-only, ...), which older QEMUs
    lack: with @with_specs false only the model answers run."""
    out = []
    live = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    with live:
        if subprocess.run([cli, "host", "--json"], stdout=live).returncode:
            raise RuntimeError("kvmcpu host --json failed")
    try:
        for hosts in BASELINE_SETS:
            out += baseline_answers(cli, names, hosts, live.name, out, with_specs)
    finally:
        os.unlink(live.name)
    return out


def baseline_answers(cli, names, hosts, live, have, with_specs):
    """One set's answers, not already in @have."""
    paths = [os.path.join(TREE, "tests", "hosts", h) for h in hosts] + [live]
    p = subprocess.run([cli, "baseline", "--json"] + paths, stdout=subprocess.PIPE,
                       universal_newlines=True)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        raise RuntimeError("kvmcpu baseline %s wrote no JSON" % " ".join(hosts))
    out = []
    for answer in (doc.get("model"), doc.get("spec") if with_specs else None):
        base = (answer or "").split("+")[0]
        if answer and (base in names or base in PSABI) and answer not in out + have:
            out.append(answer)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default=os.environ.get("KVMCPU_CLI"))
    ap.add_argument("--qemu", default="7.2")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--models", help="comma-separated subset")
    ap.add_argument("--via", choices=("qemu", "libvirt"), default="qemu",
                    help="the format exported: qemu's -cpu, or libvirt's XML through virsh")
    ap.add_argument("--verbose", action="store_true", help="name every spec the format refuses")
    args = ap.parse_args()
    qt, tc = oracle()
    qc = sys.modules["qemu_conformance"]
    t0 = time.monotonic()
    try:
        target = qt.Target(args.qemu, qt.build_recorder())
        names, version = qc.qemu_model_names(target.prefix + [qt.QEMU_EXE], 60.0)
    except qt.OracleError as e:
        print("FAIL: %s" % e)
        return 1
    except qc.QmpError as e:
        skip("QEMU cannot start with -accel kvm on this host: %s" % e)
    ours = subprocess.run([args.cli, "models", "--json"], stdout=subprocess.PIPE,
                          universal_newlines=True).stdout
    specs = [n for n in names if '"%s"' % n in ours]
    specs += [s for s in MODIFIED if s.split("+")[0] in specs]
    if args.models:
        specs = args.models.split(",")
    if args.via == "qemu" and not args.models:
        # QEMU has no psABI level models: they go out as a QEMU model plus properties.
        specs += [m for m in PSABI if '"%s"' % m in ours]
        specs += [s for s in WITH_SMP if s[0] in names]
        specs += [s for s in WITH_PARAMS if s[0] in names]
        try:
            baselines = baseline_specs(args.cli, names, int(version.split(".")[0]) >= 11)
        except RuntimeError as e:
            print("FAIL: %s" % e)
            return 1
        specs += [b for b in baselines if b not in specs]
    else:
        baselines = []
    if args.via == "libvirt" and not args.models:
        specs += [s for s in WITH_PARAMS if s[0] in names]
    note_params_without_effect(args.cli, specs)
    vendors = qc.load_vendors()
    counts = {"identical": 0, "divergence": 0, "gap": 0, "unexplained": 0, "error": 0,
              "refused": 0, "no-smp": 0}
    names_by_state = {}
    lv = Libvirt() if args.via == "libvirt" else None
    if lv:
        try:  # the first call probes QEMU's capabilities into the private root's cache
            lv.cpu_arg("")
        except RuntimeError as e:
            lv.close()
            print("FAIL: libvirt cannot write a QEMU command line here: %s" % e)
            return 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for res in pool.map(lambda s: run_one(args, qt, tc, target, s, vendors, lv), specs):
            counts[res["state"]] += 1
            if res["spec"] in names:
                names_by_state[res["state"]] = names_by_state.get(res["state"], 0) + 1
            if res["state"] == "no-smp":
                print("NOTE (loudly): %s not run: this kvmcpu resolves no topology yet (%s)"
                      % (res["spec"], res["error"]))
            if res["state"] == "refused" and args.verbose:
                print("REFUSED %-38s %s" % (res["spec"], res["error"]))
            if res["state"] == "error":
                print("ERROR %-40s %s" % (res["spec"], res["error"]))
            elif res["state"] == "unexplained":
                print("FAIL  %-40s -cpu %s" % (res["spec"], res["arg"]))
                for d in res["diffs"]:
                    if d["left"]:
                        print("      %s  (unexplained bits %#x)" % (qt.fmt_diff(d), d["left"]))
    if lv:
        lv.close()
    plain = [s for s in specs if isinstance(s, str)]
    with_params = [s for s in specs if isinstance(s, tuple) and len(s) > 2]
    print("via %s, QEMU %s: %d specs (%d model names, %d psABI levels, %d modified, %d with -smp, "
          "%d with --kvm parameters, %d baseline answers) exported and run in %.0f s" %
          (args.via, version, len(specs), len([s for s in plain if s in names]),
           len([s for s in plain if s in PSABI]), len([s for s in plain if "+" in s]),
           len(specs) - len(plain) - len(with_params), len(with_params), len(baselines),
           time.monotonic() - t0))
    print("  identical whole table: %d; only deliberate divergences: %d; only known gaps of "
          "the table (issue 7): %d; unexplained: %d; errors: %d; refused by the format: %d" %
          (counts["identical"], counts["divergence"], counts["gap"], counts["unexplained"],
           counts["error"], counts["refused"]))
    print("  model names: %d identical whole table, %d identical but for deliberate divergences, "
          "%d refused by the format, of %d" %
          (names_by_state.get("identical", 0), names_by_state.get("divergence", 0),
           names_by_state.get("refused", 0), sum(names_by_state.values())))
    return 1 if counts["unexplained"] or counts["error"] else 0


if __name__ == "__main__":
    sys.exit(main())
