#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Whole-process time and peak memory of the kvmcpu CLI against QEMU answering
the same question on the live KVM host.

  cpuid:  `kvmcpu cpuid --cpu M --json`  vs  QEMU started with -accel kvm -cpu M -S,
          QMP query-cpus-fast + qom-get feature-words, quit.
  models: `kvmcpu models --json`  vs  QEMU -machine none -accel kvm, QMP
          query-cpu-definitions, quit.

Each figure is the median of five runs of each side, interleaved, after one
untimed warm-up run of each (so both start with a warm page cache). Every process is started through bench-run,
which reports its wall time and its own ru_maxrss. Prints the ratios and
PASS/FAIL against the targets; exits 1 when a target is missed, 77 when
QEMU or /dev/kvm is missing.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

TARGET_CPUID_RATIO = 30.0
TARGET_CPUID_RSS_MIB = 5.0
TARGET_MODELS_RATIO = 15.0


def measured(bench_run, cmd, talk=None):
    """Runs @cmd under bench-run; @talk(proc) drives its stdin/stdout when given.
    Returns (seconds, peak RSS in MiB, exit status, stdout text or None)."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".bench") as res, \
            tempfile.TemporaryFile(mode="w+") as out:
        if talk:
            p = subprocess.Popen([bench_run, res.name] + cmd, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 universal_newlines=True, bufsize=1)
            talk(p)
            p.stdin.close()
            p.stdout.read()
            p.wait()
            text = None
        else:
            p = subprocess.run([bench_run, res.name] + cmd, stdout=out,
                               stderr=subprocess.DEVNULL)
            out.seek(0)
            text = out.read()
        fields = dict(kv.split("=") for kv in res.read().split())
    return (int(fields["wall_ns"]) / 1e9, int(fields["maxrss_kib"]) / 1024.0,
            int(fields["status"]), text)


def qmp(script):
    """A talk() function sending each QMP command of @script, one reply each."""
    replies = []

    def talk(p):
        def read():
            while True:
                line = p.stdout.readline()
                if not line:
                    raise RuntimeError("QEMU exited early")
                msg = json.loads(line)
                if "event" not in msg:
                    return msg

        read()  # greeting
        for req in script:
            if callable(req):
                req = req(replies)
            p.stdin.write(json.dumps(req) + "\n")
            p.stdin.flush()
            reply = read()
            if "error" in reply:
                raise RuntimeError("QMP %s: %s" % (req["execute"], reply["error"]))
            replies.append(reply["return"])
    return talk, replies


def qemu_cpuid_question(qemu, cpu):
    talk, replies = qmp([
        {"execute": "qmp_capabilities"},
        {"execute": "query-cpus-fast"},
        lambda r: {"execute": "qom-get",
                   "arguments": {"path": r[1][0]["qom-path"], "property": "feature-words"}},
        {"execute": "quit"},
    ])
    cmd = qemu + ["-accel", "kvm", "-cpu", cpu, "-S", "-nodefaults", "-display", "none",
                  "-machine", "pc", "-qmp", "stdio"]
    return cmd, talk, replies


def qemu_models_question(qemu):
    talk, replies = qmp([
        {"execute": "qmp_capabilities"},
        {"execute": "query-cpu-definitions"},
        {"execute": "quit"},
    ])
    cmd = qemu + ["-machine", "none", "-accel", "kvm", "-nodefaults", "-display", "none",
                  "-qmp", "stdio"]
    return cmd, talk, replies


ROUNDS = 5


def run_pair(args, label, ours_cmd, qemu_question, check_ours, check_qemu):
    """One untimed warm-up, then ROUNDS timed runs of each side, interleaved so that
    both see the same machine; returns the median run of each (by wall time)."""
    ours_runs, their_runs = [], []
    for i in range(ROUNDS + 1):
        ours = measured(args.bench_run, ours_cmd)
        if ours[2] != 0:
            raise RuntimeError("%s: %s exited %d" % (label, " ".join(ours_cmd), ours[2]))
        check_ours(ours[3])
        cmd, talk, replies = qemu_question()
        theirs = measured(args.bench_run, cmd, talk)
        if theirs[2] != 0:
            raise RuntimeError("%s: QEMU exited %d" % (label, theirs[2]))
        check_qemu(replies)
        if i:
            ours_runs.append(ours)
            their_runs.append(theirs)
    ours_runs.sort(key=lambda r: r[0])
    their_runs.sort(key=lambda r: r[0])
    return ours_runs[ROUNDS // 2], their_runs[ROUNDS // 2]


def report(label, ours, theirs, ratio_target, rss_target=None):
    ratio = theirs[0] / ours[0]
    ok = ratio >= ratio_target and (rss_target is None or ours[1] < rss_target)
    target = ">= %.0fx faster" % ratio_target
    if rss_target is not None:
        target += ", peak < %.0f MiB" % rss_target
    print("%-28s kvmcpu %8.2f ms %6.2f MiB | QEMU %8.2f ms %7.2f MiB | %6.1fx faster, "
          "%5.1fx less memory | target %s: %s"
          % (label, ours[0] * 1e3, ours[1], theirs[0] * 1e3, theirs[1], ratio,
             theirs[1] / ours[1], target, "PASS" if ok else "FAIL"), flush=True)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", default=os.environ.get("KVMCPU_CLI"), required=False)
    ap.add_argument("--bench-run", required=True)
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--cpu", default="Skylake-Server",
                    help="model for the cpuid question (one QEMU can start on this host)")
    args = ap.parse_args()
    qemu = [args.qemu]
    if not args.cli:
        print("bench_cli: --cli or KVMCPU_CLI is required", file=sys.stderr)
        return 2
    if not shutil.which(args.qemu):
        print("\n*** SKIP: %s is not installed; nothing to compare with ***\n" % args.qemu)
        return 77
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        print("\n*** SKIP: /dev/kvm is not usable; both sides need it ***\n")
        return 77

    def cpuid_has_words(text):
        if not json.loads(text)["words"]:
            raise RuntimeError("kvmcpu cpuid printed no words")

    def qemu_has_words(replies):
        if not replies[2]:
            raise RuntimeError("QEMU returned no feature words")

    def models_listed(text):
        doc = json.loads(text)
        if len(doc["models"] if isinstance(doc, dict) else doc) < 100:
            raise RuntimeError("kvmcpu models listed too few models")

    def qemu_models_listed(replies):
        if len(replies[1]) < 100:
            raise RuntimeError("QEMU listed too few CPU definitions")

    ok = True
    ours, theirs = run_pair(args, "cpuid", [args.cli, "cpuid", "--cpu", args.cpu, "--json"],
                            lambda: qemu_cpuid_question(qemu, args.cpu),
                            cpuid_has_words, qemu_has_words)
    ok &= report("cpuid --cpu %s" % args.cpu, ours, theirs, TARGET_CPUID_RATIO,
                 TARGET_CPUID_RSS_MIB)
    ours, theirs = run_pair(args, "models", [args.cli, "models", "--json"],
                            lambda: qemu_models_question(qemu), models_listed, qemu_models_listed)
    ok &= report("models", ours, theirs, TARGET_MODELS_RATIO)
    print("cli-vs-qemu: %s" % ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
