#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Answers a user can trust: exit codes, --enforce, proven vs runnable, hints that fit,
QEMU spellings, output hygiene, valid JSON, the shared option table and `make run`.

Expected facts come from outside the code under test: Intel's Haswell has no AVX-512 (SDM
vol. 2 CPUID leaf 7 EBX bit 16 is clear on the i7-4770 of tests/hosts/intel-haswell.txt),
an AMD host nests with svm and never offers vmx (APM vol. 2 15.4), QEMU writes features as
"Skylake-Server,+avx" / "avx=on" and Hyper-V flags as "hv-relaxed,hv-vapic" (QEMU's
docs/system/cpu-models-x86 and docs/system/i386/hyperv), and RDMSR of an MSR no CPU
implements raises #GP (SDM vol. 2 RDMSR).
"""
import json
import os
import re
import subprocess
import tempfile

from kvmcpu_test import CLI, HOSTS, SRCDIR, Checker, run

HSW = os.path.join(HOSTS, "intel-haswell.txt")          # no Hyper-V, no AVX-512
ROME = os.path.join(HOSTS, "amd-epyc-rome.txt")         # AMD: svm, no vmx
HVI = os.path.join(HOSTS, "hv-intel-noevmcs.txt")       # a live Skylake-class KVM host
NEHALEM = os.path.join(HOSTS, "intel-nehalem.txt")


def live_kvm():
    if os.access("/dev/kvm", os.R_OK | os.W_OK):
        return True
    print("SKIPPED (loudly): /dev/kvm is not usable here; the live-guest checks did not run")
    return False


def test_exit_codes(c):
    """Item 11: 2 malformed, 1 well-formed but unsatisfiable here, 3 host failed, 4 output."""
    malformed = [
        ("unknown model", ["cpuid", "--cpu", "Haswel", "--host", HSW]),
        ("QEMU syntax", ["cpuid", "--cpu", "Skylake-Server,+avx", "--host", HSW]),
        ("unreadable file", ["models", "--host", "/nonexistent/host.txt"]),
        ("repeated option", ["cpuid", "--cpu", "Haswell", "--cpu", "Haswell-v2", "--host", HSW]),
        ("unknown option", ["models", "--frobnicate"]),
        ("unknown command", ["frobnicate"]),
        ("a --dev that is not KVM", ["run", "--dev", "/dev/null"]),
    ]
    for what, args in malformed:
        rc, _, err = run(*args)
        c.eq(rc, 2, "exit for %s (%s)" % (what, err.strip()[:120]))
    unsatisfiable = [
        ("hv=windows without Hyper-V", ["cpuid", "--cpu", "Haswell-noTSX", "--hv", "windows", "--host", HSW]),
        ("nested on an AMD host with an Intel model", ["cpuid", "--cpu", "Skylake-Server", "--nested", "--host", ROME]),
        ("+avx512f on Haswell", ["cpuid", "--cpu", "Haswell-noTSX+avx512f", "--host", HSW]),
        ("--enforce on a model that loses features", ["cpuid", "--cpu", "Skylake-Server-v4", "--enforce", "--host", HSW]),
    ]
    for what, args in unsatisfiable:
        rc, _, err = run(*args)
        c.eq(rc, 1, "exit for %s (%s)" % (what, err.strip()[:120]))
    # Output errors: 4, never 3 ("host failed") and never 0.
    p = subprocess.run([CLI, "models", "--host", HSW], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, timeout=60,
                       preexec_fn=lambda: os.close(1))
    c.check(p.returncode == 4 and "standard output is closed" in p.stderr,
            "closed stdout: exit %d, %s" % (p.returncode, p.stderr.strip()))
    with open("/dev/full", "w") as full:
        p = subprocess.run([CLI, "cpuid", "--cpu", "Haswell-noTSX", "--host", HSW, "--json"],
                           stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    c.check(p.returncode == 4 and "cannot write the output" in p.stderr,
            "full stdout: exit %d, %s" % (p.returncode, p.stderr.strip()))
    # The man page documents every code.
    with open(os.path.join(SRCDIR, "man", "kvmcpu.1")) as f:
        man = f.read()
    section = man[man.index(".SH EXIT STATUS"):man.index(".SH FILES")]
    for code in "01234":
        c.check(".B %s\n" % code in section, "kvmcpu(1) documents exit %s" % code)
    c.check("hv=windows" in section and "enforce" in section, "kvmcpu(1) names the exit-1 cases")


def test_enforce(c):
    """Item 10: --enforce makes any dropped feature an error that lists them."""
    rc, out, err = run("cpuid", "--cpu", "Skylake-Server-v4", "--enforce", "--host", HSW)
    c.check(rc == 1 and "--enforce" in err and "avx512f" in err and out == "",
            "--enforce on Haswell refuses Skylake-Server-v4 and names avx512f: %s" % err.strip())
    # Without --enforce the same request succeeds and drops the same feature.
    rc, out, _ = run("cpuid", "--cpu", "Skylake-Server-v4", "--host", HSW, "--json")
    c.check(rc == 0 and "avx512f" in json.loads(out)["dropped"], "without --enforce avx512f is dropped")
    # A model the recorded host runs unchanged passes --enforce.
    models = {m["name"]: m for m in json.loads(run("models", "--host", HVI, "--json")[1])["models"]}
    c.check(models["Skylake-Server-v4"]["runnable"], "Skylake-Server-v4 runs on the hv-intel host")
    rc, out, err = run("cpuid", "--cpu", "Skylake-Server-v4", "--enforce", "--host", HVI)
    c.check(rc == 0 and "0x00000001" in out, "--enforce passes a runnable model: " + err.strip())
    if not live_kvm():
        return
    live = json.loads(run("models", "--json")[1])["models"]
    lossy = [m["name"] for m in live if not m["runnable"] and not m["alias_of"]]
    if not lossy:
        print("SKIPPED (loudly): this host runs every model; run --enforce has no model to refuse")
        return
    rc, out, err = run("run", "--cpu", lossy[0], "--enforce")
    c.check(rc == 1 and "--enforce" in err and "Verdict" not in out,
            "run --enforce refuses %s before any guest runs: %s" % (lossy[0], err.strip()))


def test_verify(c):
    """Item 9: proven and runnable are two answers; a bad spec fails before calibration."""
    # A missing device proves the order: the spec error comes first.
    rc, out, err = run("verify", "--cpu", "nope", "--dev", "/nonexistent/kvm")
    c.check(rc == 2 and "unknown CPU model 'nope'" in err and "did you mean" in err
            and "/nonexistent" not in err and out == "",
            "verify --cpu nope fails at once: %s" % err.strip())
    if not live_kvm():
        return
    live = {m["name"]: m for m in json.loads(run("models", "--json")[1])["models"]}
    runs = [n for n, m in live.items() if m["runnable"] and not m["alias_of"]]
    loses = [n for n, m in live.items() if not m["runnable"] and not m["alias_of"]]
    if not runs or not loses:
        print("SKIPPED (loudly): needs a model this host runs and one it does not")
        return
    pick = [runs[0], loses[0]]
    rc, out, err = run("verify", "--cpu", pick[0], "--cpu", pick[1], "--json")
    d = json.loads(out)
    res = {r["cpu"]: r for r in d["results"]}
    c.eq((res[pick[0]]["runnable"], res[pick[1]]["runnable"]), (True, False),
         "verify runnable agrees with models on this host")
    c.check(set(live[pick[1]]["missing"]) <= set(res[pick[1]]["dropped"]),
            "verify lists what %s loses" % pick[1])
    c.eq(d["runnable"], 1, "verify --json counts runnable models")
    c.check(all("proven" in r for r in d["results"]), "verify --json says proven per model")
    rc, out, _ = run("verify", "--cpu", pick[0], "--cpu", pick[1])
    m = re.search(r"Summary: (\d+) of 2 proven .*; (\d+) of 2 runnable", out)
    c.check(m is not None and m.group(2) == "1", "summary names both counts: " + out[-400:])


def test_run_json_msr(c):
    """Item 12: an MSR read that faulted has value null."""
    if not live_kvm():
        return
    # 0xc0010000+0x7777 is in no vendor's MSR map (SDM vol. 4, APM vol. 2 appendix A).
    rc, out, err = run("run", "--cpu", "host", "--msr", "0xc0017777", "--msr", "0x10", "--json")
    msrs = {m["index"]: m for m in json.loads(out)["msrs"]}
    bad, tsc = msrs.get(0xc0017777), msrs.get(0x10)
    c.check(bad is not None and bad["readable"] is False and bad["value"] is None,
            "a #GP read has value null: %r" % (bad,))
    c.check(tsc is not None and tsc["readable"] and isinstance(tsc["value"], str) and int(tsc["value"], 16) > 0,
            "IA32_TIME_STAMP_COUNTER reads as a 0x string: %r" % (tsc,))


def test_run_verdict(c):
    """Items 8 and 17: never PASS for a model that lost features; labels over their values."""
    if not live_kvm():
        return
    live = {m["name"]: m for m in json.loads(run("models", "--json")[1])["models"]}
    loses = [n for n, m in live.items() if not m["runnable"] and not m["alias_of"]]
    if loses:
        rc, out, _ = run("run", "--cpu", loses[0])
        verdict = [l for l in out.splitlines() if l.startswith("Verdict:")]
        c.check(verdict and "PASS" not in verdict[0] and "NOT runnable" in verdict[0],
                "run %s (features dropped) is not a PASS: %s" % (loses[0], verdict))
    rc, out, _ = run("run", "--cpu", "host")
    lines = out.splitlines()
    head = [l for l in lines if l.startswith("leaf.subleaf")]
    rows = [l for l in lines if re.match(r"^[0-9a-f]{8}\.", l)]
    c.check(head and rows, "run prints a labelled table")
    if head and rows:
        cols = [m.start() for m in re.finditer(r"\b(eax|ebx|ecx|edx)\b", head[0])]
        c.eq(len(cols), 8, "eight register labels")
        for row in rows[:5]:
            c.check(all(re.match(r"[0-9a-f]{8}( |$)", row[col:]) for col in cols),
                    "every label sits over its value: %r / %r" % (head[0], row))


def test_hints(c):
    """Item 15: hints that fit the situation."""
    rc, _, err = run("cpuid", "--cpu", "Skylake-Server", "--nested", "--host", ROME)
    c.check("kvm_intel" not in err and "an Intel-compatible guest" in err and "AMD model" in err,
            "nested Intel model on AMD: no 'load kvm_intel': " + err.strip())
    rc, _, err = run("cpuid", "--cpu", "EPYC", "--nested", "--host", HSW)
    c.check("kvm_amd" not in err and "Intel model" in err, "nested AMD model on Intel: " + err.strip())
    for args in (["cpuid", "--cpu", "EPYC", "--nested", "--host", HSW],
                 ["cpuid", "--cpu", "Haswell", "--nested", "--host", ROME]):
        _, _, err = run(*args)
        c.check(not re.search(r"\ba (AuthenticAMD|GenuineIntel|Intel-|AMD-)", err), "no 'a AuthenticAMD': " + err)
    for cmd in (["run", "--cpu", "Haswell"], ["verify", "--all"]):
        rc, _, err = run(*cmd, "--dev", "/nonexistent/kvm")
        c.check(rc == 2 and "recorded host" not in err and "--host" not in err,
                "%s has no --host, so no such hint: %s" % (cmd[0], err.strip()))
    rc, _, err = run("run", "--dev", "/dev/null")
    c.check(rc == 2 and "not a KVM device" in err and "API" in err and "-1" not in err,
            "--dev /dev/null: " + err.strip())
    with tempfile.TemporaryDirectory() as tmp:
        big = os.path.join(tmp, "big.txt")
        with open(big, "wb") as f:
            f.truncate(65 << 20)
        rc, _, err = run("models", "--host", big)
        # The library's message is passed through whole, with its 64 MiB limit.
        c.check(rc == 2 and "64 MiB" in err, "65 MiB host file: " + err.strip())


def test_qemu_spellings(c):
    """Item 16: QEMU's spellings are refused with the '+'-joined form as hint."""
    cases = [  # (QEMU's spelling, the hint's form, the request in kvmcpu's spelling)
        (["--cpu", "Skylake-Server,+avx"], "Skylake-Server+avx", ["--cpu", "Skylake-Server+avx"]),
        (["--cpu", "Haswell-noTSX+avx=on"], "Haswell-noTSX+avx", ["--cpu", "Haswell-noTSX+avx"]),
        (["--cpu", "Haswell-noTSX,avx=on,hle=off,-rtm"], "Haswell-noTSX+avx+no_hle+no_rtm",
         ["--cpu", "Haswell-noTSX+avx+no_hle+no_rtm"]),
        (["--kvm", "cpu=Skylake-Server,+avx"], "cpu=Skylake-Server+avx", ["--kvm", "cpu=Skylake-Server+avx"]),
        (["--kvm", "cpu=Haswell-noTSX,hv=relaxed,vapic"], "hv=relaxed+vapic",
         ["--kvm", "cpu=Haswell-noTSX,hv=relaxed+vapic"]),
        (["--cpu", "Haswell-noTSX", "--hv", "relaxed,vapic"], "relaxed+vapic",
         ["--cpu", "Haswell-noTSX", "--hv", "relaxed+vapic"]),
    ]
    for args, plus, fixed in cases:
        rc, _, err = run("cpuid", *args, "--host", HVI)
        c.check(rc == 2 and "QEMU" in err and "hint: " in err and err.rstrip().endswith(plus),
                "%s: hint shows %s: %s" % (" ".join(args), plus, err.strip()))
        rc, _, err = run("cpuid", *fixed, "--host", HVI)
        c.eq(rc, 0, "the hinted form %s is accepted (%s)" % (" ".join(fixed), err.strip()))
    rc, _, err = run("cpuid", "--cpu", "Haswell-noTSX+avx+no_avx", "--host", HSW)
    c.check(rc == 2 and "'avx'" in err and "enables and disables" in err, "+avx+no_avx: " + err.strip())
    for opt, a, b in (("--cpu", "Haswell", "Haswell-v2"), ("--host", HSW, HVI), ("--hv", "none", "default")):
        args = ["cpuid", opt, a, opt, b] + ([] if opt == "--cpu" else ["--cpu", "Haswell-noTSX"]) \
            + ([] if opt == "--host" else ["--host", HSW])
        rc, _, err = run(*args)
        c.check(rc == 2 and "%s given twice" % opt in err, "%s twice is an error: %s" % (opt, err.strip()))
    for extra in (["--cpu", "Haswell"], ["--nested"]):
        kvm = "cpu=Haswell-noTSX" if extra[0] == "--cpu" else "cpu=Haswell-noTSX,nested_virt"
        rc, _, err = run("cpuid", "--kvm", kvm, *extra, "--host", HSW)
        c.check(rc == 2 and "give it once" in err, "--kvm and %s set one part twice: %s" % (extra[0], err.strip()))
    rc, out, err = run("cpuid", "--kvm", "cpu=Haswell-noTSX", "--hv", "none", "--host", HSW, "--json")
    c.check(rc == 0 and json.loads(out)["hv"] == "none", "--kvm and --hv set different parts: " + err)
    rc, _, err = run("cpuid", "--kvm", "", "--host", HSW)
    c.check(rc == 2 and "--kvm" in err, "--kvm '' is an error: " + err.strip())


def test_output_hygiene(c):
    """Item 17: escaped control characters, suggestions, help, aligned tables, one spelling."""
    with tempfile.TemporaryDirectory() as tmp:
        evil = os.path.join(tmp, "evil\x1b[2J\x07.txt")
        with open(HSW) as src, open(evil, "w") as dst:
            dst.write(src.read())
        for args in (["models", "--host", evil], ["host", "--host", evil], ["hv", "--host", evil],
                     ["cpuid", "--cpu", "Haswell+avx512f", "--host", evil],
                     ["cpuid", "--cpu", "Has\x1bwell", "--host", HSW], ["mod\x1bels"]):
            p = subprocess.run([CLI, *args], capture_output=True, timeout=60)
            c.check(b"\x1b" not in p.stdout + p.stderr and b"\x07" not in p.stdout + p.stderr,
                    "no control character reaches the terminal: %r" % args[:2])
            c.check(b"\\x1b" in p.stdout + p.stderr, "the escape is shown as \\x1b: %r" % args[:2])
    rc, _, err = run("modles")
    c.check(rc == 2 and "did you mean 'kvmcpu models'" in err, "modles suggests models: " + err)
    rc, out, _ = run("help", "models")
    c.check(rc == 0 and out == run("models", "--help")[1], "kvmcpu help models")
    rc, out, _ = run("models", "--host", NEHALEM)
    lines = out.splitlines()
    header = lines[0]
    c.check("ON HOST " + NEHALEM in header, "header names the recorded host: " + header)
    vendor_col = header.index("VENDOR")
    rows = [l for l in lines[1:] if re.match(r"^\S", l) and " of " not in l]
    rows_j = json.loads(run("models", "--host", NEHALEM, "--json")[1])["models"]
    vendors = {r["vendor"] for r in rows_j}
    c.check(len(rows) == len(rows_j) and all(l[vendor_col - 1] == " " and l[vendor_col:].split()[0] in vendors
                                             for l in rows),
            "the VENDOR column is aligned on every row (long aliases too)")
    miss_col = header.index("ON HOST")
    conts = [l for l in lines[1:] if l.startswith(" ") and l.strip()]
    c.check(conts and all(len(l) <= miss_col + 9 + 64 + 1 for l in lines if l.strip()),
            "missing: lists wrap (%d continuation lines)" % len(conts))
    c.check(all(l.index(l.strip()) == miss_col + len("missing: ") for l in conts),
            "wrapped lines start under the first missing feature")
    psabi = re.compile(r"^x86-64-v[1-4](-AES)?$")
    c.check(all(r[k] is None or psabi.match(r[k]) for r in rows_j for k in ("psabi", "psabi_on_host")),
            "psABI names in JSON are x86-64-vN")
    c.check(not re.search(r"(?<!x86-64-)\bv[1-4]/", out), "no short psABI names in the table")
    if live_kvm():
        rc, out, _ = run("models")
        c.check("ON THIS HOST" in out.splitlines()[0], "the live header says ON THIS HOST")


def test_valid_json(c):
    """Item 22: a --host path with any bytes still gives UTF-8 JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = [os.path.join(tmp.encode(), b"h\xff\xfe\xe9.txt")]
        # Paths longer than the 255 bytes a host keeps of its origin: the cut falls
        # inside a two-byte character for one of the two.
        for pad in (b"", b"a"):
            d = os.path.join(tmp.encode(), pad + ("é" * 100).encode(), ("é" * 100).encode())
            os.makedirs(d, exist_ok=True)
            paths.append(os.path.join(d, ("é" * 20).encode() + b".txt"))
        with open(HSW, "rb") as f:
            data = f.read()
        cut = False
        for p in paths:
            with open(p, "wb") as f:
                f.write(data)
            for args in (["cpuid", "--cpu", "Haswell-noTSX", "--json"], ["hv", "--json"], ["host", "--json"]):
                r = subprocess.run([CLI.encode(), *[a.encode() for a in args], b"--host", p],
                                   capture_output=True, timeout=60)
                try:
                    d = json.loads(r.stdout.decode("utf-8"))
                    origin = d.get("host") or d.get("origin") or ""
                    ok = r.returncode == 0 and isinstance(origin, str) and origin
                    cut |= origin.endswith("\ufffd") and len(p) > 255
                except (UnicodeDecodeError, ValueError) as e:
                    ok = False
                    print("invalid JSON: %s" % e)
                c.check(ok, "valid UTF-8 JSON from %s on %r" % (args[0], p[-40:]))
        c.check(cut, "one long path was cut mid-character and still gave valid JSON")


def test_shared_options(c):
    """Issue 8 item 5: one option table; each error once; --smp reaches the config string."""
    for cmd in ("models", "model", "cpuid", "host", "hv", "run", "verify"):
        rc, _, err = run(cmd, "--bogus")
        c.check(rc == 2 and err.count("bogus") == 1 and "unrecognized" not in err,
                "%s --bogus: one message: %r" % (cmd, err))
        rc, _, err = run(cmd, "--json", "--json")
        c.check(rc == 2 and "--json given twice" in err, "%s --json twice" % cmd)
    rc, _, err = run("cpuid", "--cpu")
    c.check(rc == 2 and err.count("needs a value") == 1, "missing value, once: %r" % err)
    rc, _, err = run("models", "--json=yes")
    c.check(rc == 2 and "takes no value" in err, "--json=yes: %r" % err)
    # --smp SPEC becomes smp=SPEC in the parameter string: the config parser sees it
    # (until the library knows smp=, it refuses the key by name).
    for args in (["--cpu", "Haswell-noTSX", "--smp", "2"], ["--kvm", "cpu=Haswell-noTSX", "--smp", "2"]):
        rc, _, err = run("cpuid", *args, "--host", HSW)
        c.check(rc == 0 or ("'smp'" in err and "unknown option" not in err),
                "cpuid %s reaches the config: %s" % (" ".join(args), err.strip()))
    rc, _, err = run("cpuid", "--cpu", "Haswell", "--smp", "2", "--smp", "4", "--host", HSW)
    c.check(rc == 2 and "--smp given twice" in err, "--smp twice")


def test_make_run(c):
    """Item 8: one screen, no build noise, the truth about the default model."""
    builddir = os.path.dirname(os.path.dirname(CLI))
    env = dict(os.environ, KVMCPU_RUN_NO_BUILD="1")
    # Without a KVM device: a recorded host, said so, and no guest and no PASS.
    p = subprocess.run(["sh", os.path.join(SRCDIR, "scripts", "main-job.sh"), builddir],
                       capture_output=True, text=True, timeout=300, cwd=SRCDIR,
                       env=dict(env, KVMCPU_RUN_DEV="/nonexistent/kvm"))
    c.check(p.returncode == 0 and "has no /dev/kvm" in p.stdout and "ON HOST" not in p.stdout
            and "PASS" not in p.stdout and "Probe guest    none" in p.stdout,
            "make run without /dev/kvm: " + p.stdout + p.stderr)
    if not live_kvm():
        return

    def main_job(model, wrapper_host=None):
        bdir = builddir
        tmp = None
        if wrapper_host:
            # A build dir whose kvmcpu judges a recorded host for everything but guests.
            tmp = tempfile.TemporaryDirectory()
            bdir = tmp.name
            os.makedirs(os.path.join(bdir, "cli"))
            w = os.path.join(bdir, "cli", "kvmcpu")
            with open(w, "w") as f:
                f.write('#!/bin/sh\ncase "$1" in models|cpuid|host|hv) exec %s "$@" --host %s;; esac\n'
                        'exec %s "$@"\n' % (CLI, wrapper_host, CLI))
            os.chmod(w, 0o755)
        p = subprocess.run(["sh", os.path.join(SRCDIR, "scripts", "main-job.sh"), bdir],
                           capture_output=True, text=True, timeout=300, cwd=SRCDIR,
                           env=dict(env, KVMCPU_RUN_MODEL=model))
        if tmp:
            tmp.cleanup()
        return p

    live = {m["name"]: m for m in json.loads(run("models", "--json")[1])["models"]}
    for model in ("x86-64-v2", "x86-64-v1"):
        p = main_job(model)
        out = p.stdout
        c.check(p.returncode == 0, "make run with %s: exit %d %s" % (model, p.returncode, p.stderr))
        c.check(len(out.splitlines()) <= 24, "one screen: %d lines" % len(out.splitlines()))
        c.check(not re.search(r"ninja|meson|Compiling|Linking", out), "no build noise")
        for key in ("Host ", "Models ", "Default model ", "Try next"):
            c.check(key in out, "summary has %r" % key)
        nrun = sum(1 for m in live.values() if m["runnable"])
        c.check("%d of %d run here unchanged" % (nrun, len(live)) in out or nrun == 0,
                "how many models run (%d)" % nrun)
        if live[model]["runnable"]:
            c.check("%s runs here unchanged" % model in out, "default model runs: " + out)
        else:
            c.check("%s does NOT run here unchanged" % model in out, "default model verdict: " + out)
            c.check(not re.search(r"PASS for %s\b" % re.escape(model), out),
                    "no PASS for %s, which lost features" % model)
        shown = re.search(r"PASS for (\S+):", out)
        if shown:
            c.check(live[shown.group(1)]["runnable"], "the model shown runs here: %s" % shown.group(1))
    # A host that runs nothing: said plainly, and no PASS anywhere.
    with tempfile.TemporaryDirectory() as tmp:
        bare = os.path.join(tmp, "bare.txt")
        with open(bare, "w") as f:
            f.write("cpuid 00000000 00000000 00000001 756e6547 6c65746e 49656e69\n"
                    "cpuid 00000001 00000000 00000000 00000000 00000000 00000000\n")
        p = main_job("x86-64-v2", wrapper_host=bare)
        c.check("runs none of the" in p.stdout and "PASS" not in p.stdout,
                "a host that runs nothing says so: " + p.stdout + p.stderr)


def main():
    c = Checker("cli-trust")
    test_exit_codes(c)
    test_enforce(c)
    test_verify(c)
    test_run_json_msr(c)
    test_run_verdict(c)
    test_hints(c)
    test_qemu_spellings(c)
    test_output_hygiene(c)
    test_valid_json(c)
    test_shared_options(c)
    test_make_run(c)
    c.finish()


if __name__ == "__main__":
    main()
