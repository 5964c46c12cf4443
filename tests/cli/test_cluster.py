# SPDX-License-Identifier: MIT
"""kvmcpu compare, baseline, migrate-check and host diff on the real CPUID dumps and recorded hosts.

Expected answers come from the processors, not from kvmcpu: which generation introduced
which instruction (Intel SDM Vol. 1 and the ISA extensions reference, AMD APM Vol. 3), the
address sizes in each dump's leaf 0x80000008, and the Hyper-V TLFS bit of direct synthetic
timers (0x40000003 EDX bit 19) in the recorded Hyper-V answers.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

import private_sshd
from kvmcpu_test import CLI, HOSTS, Checker, run

SKX = os.path.join(HOSTS, "intel-skylake-server.txt")
ICX = os.path.join(HOSTS, "intel-icelake-server.txt")
SPR = os.path.join(HOSTS, "intel-sapphirerapids.txt")
HSW = os.path.join(HOSTS, "intel-haswell.txt")
CONROE = os.path.join(HOSTS, "intel-conroe.txt")
NEHALEM = os.path.join(HOSTS, "intel-nehalem.txt")
ROME = os.path.join(HOSTS, "amd-epyc-rome.txt")
GENOA = os.path.join(HOSTS, "amd-epyc-genoa.txt")
TURIN = os.path.join(HOSTS, "amd-epyc-turin-dense.txt")
HV_NEW = os.path.join(HOSTS, "hv-intel-evmcs.txt")
HV_419 = os.path.join(HOSTS, "hv-intel-4.19-legacy.txt")


def dump_reg(path, leaf, reg):
    """A register of a dump, read straight from the file (not through kvmcpu)."""
    with open(path) as f:
        for line in f:
            fields = line.split()
            if fields and fields[0] == "%08x" % leaf and fields[1] == "00":
                return int(fields[2 + "abcd".index(reg)], 16)
            if fields[:2] == ["cpuid", "%08x" % leaf]:
                return int(fields[3 + "abcd".index(reg)], 16)
    return None


def phys_bits(path):
    return dump_reg(path, 0x80000008, "a") & 0xff


def baseline(*args):
    rc, out, err = run("baseline", "--json", *args)
    return rc, (json.loads(out) if out.strip() else None), err


def base_name(spec):
    """'Skylake-Server-v6+no_kvmclock' -> 'Skylake-Server'."""
    return re.sub(r"-v\d+$", "", spec.split("+")[0])


def runs_everywhere(c, spec, hosts, what):
    rc, out, err = run("compare", "--cpu", spec, *hosts)
    c.eq(rc, 0, "%s: compare --cpu %s exit (%s)" % (what, spec, out[-300:] + err))


def test_intel_servers(c):
    """Skylake-SP, Ice Lake-SP, Sapphire Rapids: a Skylake-Server model (no VNNI on Skylake-SP)."""
    hosts = [SKX, ICX, SPR]
    rc, j, err = baseline(*hosts)
    c.eq(rc, 0, "intel servers: baseline exit (%s)" % err)
    if not j:
        return
    # AVX512_VNNI arrived with Cascade Lake, so Skylake-SP rules Cascadelake-Server out;
    # every Skylake-SP has AVX-512 F/CD/BW/DQ/VL, so the model is Skylake-Server.
    c.eq(base_name(j["model"]), "Skylake-Server", "intel servers: model generation")
    # Skylake-SP, Cascade Lake and Cooper Lake: the 14 nm Skylake server core.
    c.check(base_name(j["spec"]) in ("Skylake-Server", "Cascadelake-Server", "Cooperlake"),
            "intel servers: spec base is Skylake/Cascadelake-era: %s" % j["spec"])
    c.check("+avx512vnni" not in j["spec"], "intel servers: spec does not enable VNNI")
    c.eq(j["psabi"], "x86-64-v4", "intel servers: psABI level (AVX-512 on all three)")
    c.eq(j["phys_bits"], min(phys_bits(h) for h in hosts), "intel servers: phys-bits")
    c.eq(j["vendor"], "GenuineIntel", "intel servers: vendor")
    c.check(j["proven"], "intel servers: proven")
    rungs = {r["model"]: r for r in j["ladder"]}
    casc = rungs.get("Cascadelake-Server-v1")
    c.check(casc and casc["host_count"] == 1 and SKX in casc["hosts"] and
            "avx512vnni" in casc["features"], "ladder: Cascadelake-Server-v1 needs VNNI "
            "that Skylake-SP lacks: %s" % casc)
    icx = rungs.get("Icelake-Server-v1")
    c.check(icx and SKX in icx["hosts"] and "avx512vbmi" in icx["features"],
            "ladder: Icelake-Server-v1 needs VBMI that Skylake-SP lacks: %s" % icx)
    c.check(all(base_name(m) != "Skylake-Server" for m in rungs),
            "ladder holds only models newer than the answer")
    for answer in (j["model"], j["spec"], j["psabi"]):
        runs_everywhere(c, answer, hosts, "intel servers")
    # The text output says the same.
    rc, out, _ = run("baseline", *hosts)
    c.check(rc == 0 and "model      %s" % j["model"] in out and "ladder" in out,
            "baseline text output")


def test_old_intel(c):
    """Conroe, Nehalem, Haswell: Conroe (Penryn brought SSE4.1), psABI v1 (Conroe lacks POPCNT)."""
    rc, j, err = baseline(CONROE, NEHALEM, HSW)
    c.eq(rc, 0, "old intel: exit (%s)" % err)
    if not j:
        return
    c.eq(base_name(j["model"]), "Conroe", "old intel: model")
    c.eq(j["psabi"], "x86-64-v1", "old intel: psABI level")
    penryn = [r for r in j["ladder"] if base_name(r["model"]) == "Penryn"]
    c.check(penryn and CONROE in penryn[0]["hosts"] and "sse4.1" in penryn[0]["features"],
            "old intel: Penryn ruled out by Conroe's missing SSE4.1: %s" % penryn)
    c.eq(j["phys_bits"], 36, "old intel: phys-bits (Conroe dump: 36)")


def test_amd_servers(c):
    """Rome, Genoa, Turin: EPYC-Rome, psABI v3 (no AVX-512 on Zen 2)."""
    rc, j, err = baseline(ROME, GENOA, TURIN)
    c.eq(rc, 0, "amd servers: exit (%s)" % err)
    if not j:
        return
    c.eq(base_name(j["model"]), "EPYC-Rome", "amd servers: model")
    c.eq(j["psabi"], "x86-64-v3", "amd servers: psABI level")
    c.eq(j["phys_bits"], phys_bits(ROME), "amd servers: phys-bits")
    milan = [r for r in j["ladder"] if base_name(r["model"]) == "EPYC-Milan"]
    # Zen 3 added PKU, INVPCID... and VAES/VPCLMULQDQ; Rome has none of these.
    c.check(milan and ROME in milan[0]["hosts"] and "pku" in milan[0]["features"],
            "amd servers: EPYC-Milan ruled out by Rome's missing PKU: %s" % milan)


def test_mixed_vendors(c):
    """Skylake-SP and EPYC Rome: vendor-neutral, psABI v3 (Rome has no AVX-512)."""
    rc, j, err = baseline(SKX, ROME)
    c.eq(rc, 0, "mixed: exit (%s)" % err)
    if not j:
        return
    c.check(j["vendor_neutral"] and j["vendor"] is None, "mixed: vendor-neutral")
    c.eq(j["psabi"], "x86-64-v3", "mixed: psABI level")
    c.check(j["model"].startswith("x86-64-v3"), "mixed: model is a psABI level: %s" % j["model"])
    c.check(j["spec"].startswith("x86-64-v"), "mixed: spec from a psABI level: %s" % j["spec"])
    c.check(any("different CPU vendors" in n and "GenuineIntel" in n and "AuthenticAMD" in n
                for n in j["notes"]), "mixed: a note says why: %s" % j["notes"])
    c.eq(j["phys_bits"], min(phys_bits(SKX), phys_bits(ROME)), "mixed: phys-bits")
    runs_everywhere(c, j["spec"], [SKX, ROME], "mixed")


def test_every_recording(c):
    """All of tests/hosts: four vendors, psABI v1 (the K8 Athlon has no SSSE3 or SSE4.1)."""
    rc, j, err = baseline("--hosts", HOSTS)
    c.eq(rc, 0, "every recording: exit (%s)" % err)
    if j:
        c.check(j["vendor_neutral"] and j["psabi"] == "x86-64-v1" and j["proven"],
                "every recording: vendor-neutral x86-64-v1, proven: %s" % j)
        c.check(any("GenuineIntel" in n and "AuthenticAMD" in n and "HygonGenuine" in n and
                    "CentaurHauls" in n for n in j["notes"]), "every recording: the four vendors named")


def test_hv_pinned(c):
    """--hv windows over hosts whose auto-detected flags differ: one pinned spec without them."""
    rc, j, err = baseline("--hv", "windows", HV_NEW, HV_419)
    c.eq(rc, 0, "hv baseline exit (%s)" % err)
    if not j:
        return
    flags = j["hv"].split("+")
    c.eq(flags[0], "none", "hv: the pinned spec starts from none")
    # Linux 4.19 has no direct synthetic timers (0x40000003 EDX bit 19 clear in its answer).
    c.check("stimer_direct" not in flags and "stimer" in flags, "hv: stimer_direct left out: %s" % j["hv"])
    c.check(any("stimer_direct" in n for n in j["notes"]), "hv: a note names stimer_direct")
    # A flag with no CPUID bits of its own (enforce_cpuid: a vCPU capability) stays pinned.
    _, k, _ = baseline("--hv", "windows+enforce_cpuid", HV_NEW, os.path.join(HOSTS, "hv-intel-noevmcs.txt"))
    c.check(k and k["hv"].split("+")[-1] == "enforce_cpuid", "hv: enforce_cpuid pinned: %s" % (k and k["hv"]))
    # Two hosts of different TSC rates that cannot scale: the frequency MSRs get a note.
    with tempfile.TemporaryDirectory() as d:
        for name, khz in (("a.txt", "200b20"), ("b.txt", "2dc6c0")):
            write_host(os.path.join(d, name), HV_NEW, "tsc-khz %s\n" % khz)
        _, k, _ = baseline("--hv", "windows", "--hosts", d)
        c.check(k and "frequencies" in k["hv"] and
                any("frequency MSRs" in n and "2100000 to 3000000" in n for n in k["notes"]),
                "hv: a note on the frequency MSRs across TSC rates: %s" % (k and k["notes"]))
    rc, out, err = run("migrate-check", "--cpu", j["model"], "--hv", j["hv"], HV_NEW, HV_419)
    c.check(rc == 0 and "NOT safe" not in out,
            "hv: the pinned answer migrates both ways: %d %s %s" % (rc, out[-500:], err))


def test_hv_host_without_hyperv(c):
    rc, _, err = run("baseline", "--hv", "windows", HV_NEW, os.path.join(HOSTS, "hv-none-pvm.txt"))
    c.check(rc == 1 and "hv-none-pvm.txt" in err and "Hyper-V" in err,
            "baseline --hv names the host without Hyper-V: %d %s" % (rc, err))


def test_migrate_check(c):
    """stimer_direct auto-detected on one host only; phys-bits; timekeeping."""
    rc, out, err = run("migrate-check", "--cpu", "Skylake-Server-v4", "--hv", "windows",
                       "--from", HV_NEW, "--to", HV_419, "--json")
    c.eq(rc, 1, "migrate-check stimer_direct: exit")
    pair = json.loads(out)["pairs"][0] if out.strip() else {"differences": []}
    sd = [d for d in pair["differences"] if d["subject"] == "stimer_direct"]
    c.check(sd and sd[0]["blocking"] and "no_stimer_direct" in sd[0]["fix"],
            "migrate-check names stimer_direct and the fix: %s" % sd)
    rc, out, _ = run("migrate-check", "--cpu", "Skylake-Server-v4", "--hv", "windows",
                     "--from", HV_NEW, "--to", HV_419)
    c.check("pin no_stimer_direct" in out and "NOT safe" in out, "migrate-check text")
    # Rome dumps 48 physical address bits, Genoa 52; guests see them with host-phys-bits.
    rc, out, _ = run("migrate-check", "--cpu", "EPYC-Rome", "--kvm", "host-phys-bits", "--json",
                     "--from", GENOA, "--to", ROME)
    c.eq(rc, 1, "phys-bits: exit")
    pb = [d for d in json.loads(out)["pairs"][0]["differences"] if d["subject"] == "phys-bits"]
    c.check(pb and pb[0]["a"] == str(phys_bits(GENOA)) and pb[0]["b"] == str(phys_bits(ROME))
            and pb[0]["blocking"] and "phys-bits=%d" % phys_bits(ROME) in pb[0]["fix"],
            "phys-bits difference and fix: %s" % pb)
    # The same host twice over (two copies): safe.
    with tempfile.TemporaryDirectory() as d:
        a, b = os.path.join(d, "a.txt"), os.path.join(d, "b.txt")
        shutil.copy(SKX, a)
        shutil.copy(SKX, b)
        rc, out, _ = run("migrate-check", "--cpu", "Skylake-Server-v4", "--from", a, "--to", b)
        c.check(rc == 0 and "safe" in out, "identical hosts: safe")
        # Every vCPU of a 2-socket topology: the same answer, each difference once.
        rc, out, _ = run("migrate-check", "--cpu", "EPYC-Rome", "--smp", "8,sockets=2",
                         "--kvm", "host-phys-bits", "--json", "--from", GENOA, "--to", ROME)
        pairs = json.loads(out)["pairs"] if out.strip() else [{"differences": []}]
        subjects = [d["subject"] for d in pairs[0]["differences"]]
        c.check(rc == 1 and subjects.count("phys-bits") == 1, "--smp: phys-bits once: %s" % subjects)
        test_timekeeping(c, d)


def write_host(path, base, extra):
    with open(base) as f, open(path, "w") as out:
        out.write(f.read())
        out.write(extra)


def test_timekeeping(c, d):
    """invtsc between hosts of different TSC rates: unsafe unless the target scales."""
    # Skylake-SP reports the invariant TSC (0x80000007 EDX bit 8).
    c.check(dump_reg(SKX, 0x80000007, "d") & 0x100, "the Skylake-SP dump has invtsc")
    slow, fast, scaling = (os.path.join(d, n) for n in ("slow.txt", "fast.txt", "scaling.txt"))
    write_host(slow, SKX, "tsc-khz 200b20\ncap KVM_CAP_TSC_CONTROL 0\n")     # 2.1 GHz
    write_host(fast, SKX, "tsc-khz 2dc6c0\ncap KVM_CAP_TSC_CONTROL 0\n")     # 3.0 GHz
    write_host(scaling, SKX, "tsc-khz 2dc6c0\ncap KVM_CAP_TSC_CONTROL 1\n")
    spec = "Skylake-Server-v4+invtsc"
    rc, out, _ = run("migrate-check", "--cpu", spec, "--json", "--from", slow, "--to", fast)
    t = [x for x in json.loads(out)["pairs"][0]["differences"] if x["kind"] == "time"]
    c.check(rc == 1 and t and t[0]["blocking"] and t[0]["a"] == "2100000" and t[0]["b"] == "3000000"
            and "invtsc" in t[0]["reason"] and "no_invtsc" in t[0]["fix"],
            "invtsc across TSC rates is unsafe: %d %s" % (rc, t))
    rc, out, _ = run("migrate-check", "--cpu", spec, "--json", "--from", slow, "--to", scaling)
    t = [x for x in json.loads(out)["pairs"][0]["differences"] if x["kind"] == "time"]
    c.check(rc == 0 and t and not t[0]["blocking"], "a target that scales the TSC: a note only: %s" % t)
    rc, _, _ = run("migrate-check", "--cpu", "Skylake-Server-v4", "--from", slow, "--to", fast)
    c.eq(rc, 0, "without invtsc the rate does not matter")
    # The recording keeps the rate in both formats.
    rc, out, _ = run("host", "--json", "--host", fast)
    c.check('"x-tsc-khz": 3000000' in out, "JSON recording carries x-tsc-khz")
    js = os.path.join(d, "fast.json")
    with open(js, "w") as f:
        f.write(out)
    rc, out, _ = run("host", "--text", "--host", js)
    c.check("tsc-khz 2dc6c0" in out, "text recording carries tsc-khz")


def test_compare(c):
    rc, out, _ = run("compare", "--cpu", "Icelake-Server-v1", "--json", SKX, ICX)
    j = json.loads(out)
    c.eq(rc, 1, "compare: Icelake-Server on Skylake-SP and Ice Lake-SP exit")
    hosts = {h["host"]: h for h in j["hosts"]}
    c.check(not hosts[SKX]["runs"] and "avx512vbmi" in [m["subject"] for m in hosts[SKX]["missing"]],
            "compare: Skylake-SP lacks VBMI")
    c.check(hosts[ICX]["runs"] and not hosts[ICX]["missing"], "compare: Ice Lake-SP runs it")
    c.check(not j["runs_everywhere"] and j["failing"] == 1, "compare: totals")
    rc, _, _ = run("compare", "--cpu", "Haswell-noTSX", SKX, ICX, HSW)
    c.eq(rc, 0, "compare: Haswell-noTSX runs on all three")
    rc, out, _ = run("compare", "--cpu", "Skylake-Server", "--hv", "windows", HV_419)
    c.check(rc == 1 and "stimer_direct" in out, "compare names the Hyper-V flag the host lacks")


def test_host_diff(c):
    rc, out, _ = run("host", "diff", "--json", SKX, ICX)
    c.eq(rc, 1, "host diff: different hosts exit")
    diffs = json.loads(out)["differences"]
    vbmi = [d for d in diffs if d["subject"] == "avx512vbmi"]
    c.check(vbmi and vbmi[0]["kind"] == "feature" and vbmi[0]["a"] == "no" and vbmi[0]["b"] == "yes",
            "host diff: VBMI by name: %s" % vbmi)
    rc, out, _ = run("host", "diff", HV_NEW, HV_419)
    c.check(rc == 1 and "stimer_direct" in out and "\nhyperv:" in out, "host diff: Hyper-V group")
    with tempfile.TemporaryDirectory() as d:
        copy = os.path.join(d, "copy.txt")
        shutil.copy(SKX, copy)
        rc, out, _ = run("host", "diff", SKX, copy)
        c.check(rc == 0 and "0 differences" in out, "host diff: a copy is the same")


def test_hosts_dir_and_formats(c):
    """--hosts DIR reads *.json and *.txt; JSON and text recordings give the same answer."""
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(SKX, os.path.join(d, "skx.txt"))
        _, out, _ = run("host", "--json", "--host", ICX)
        with open(os.path.join(d, "icx.json"), "w") as f:
            f.write(out)
        shutil.copy(SPR, os.path.join(d, "spr.txt"))
        with open(os.path.join(d, "README"), "w") as f:
            f.write("not a recording\n")
        rc, j, err = baseline("--hosts", d)
        _, k, _ = baseline(SKX, ICX, SPR)
        c.check(rc == 0 and j and k and j["host_count"] == 3 and j["model"] == k["model"]
                and j["spec"] == k["spec"], "--hosts DIR with JSON and text: %s" % err)


def test_bad_inputs(c):
    with tempfile.TemporaryDirectory() as d:
        missing = os.path.join(d, "nope.json")
        rc, _, err = run("baseline", SKX, missing)
        c.check(rc == 2 and "cannot read host recording %s" % missing in err,
                "unreadable file: %d %s" % (rc, err))
        unreadable = os.path.join(d, "secret.txt")
        shutil.copy(SKX, unreadable)
        os.chmod(unreadable, 0)
        p = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            CLI, "baseline", unreadable], capture_output=True, text=True)
        if os.geteuid() == 0 and p.stderr.startswith("kvmcpu baseline:"):
            c.check(p.returncode == 2 and "Permission denied" in p.stderr,
                    "file without read permission: %d %s" % (p.returncode, p.stderr))
        else:
            print("SKIPPED (loudly): the permission case needs root and setpriv: %s" % p.stderr.strip())
        empty = os.path.join(d, "empty")
        os.mkdir(empty)
        rc, _, err = run("baseline", "--hosts", empty)
        c.check(rc == 2 and "no host recordings" in err and empty in err and "kvmcpu host --json" in err,
                "directory with no recordings: %d %s" % (rc, err))
        other = os.path.join(d, "v2.json")
        _, out, _ = run("host", "--json", "--host", SKX)
        with open(other, "w") as f:
            f.write(re.sub(r'"kvmcpu-host/\d+"', '"kvmcpu-host/99"', out))
        rc, _, err = run("baseline", SKX, other)
        c.check(rc == 2 and 'schema "kvmcpu-host/99" is not understood' in err,
                "other schema version: %d %s" % (rc, err))
        rc, _, err = run("compare", "--cpu", "Skylake-Server", SKX, SKX)
        c.check(rc == 2 and "one host given twice" in err, "same host twice: %d %s" % (rc, err))
        link = os.path.join(d, "link.txt")
        os.symlink(os.path.abspath(SKX), link)
        rc, _, err = run("baseline", SKX, link)
        c.check(rc == 2 and "one host given twice" in err, "same host by another path: %s" % err)
        for cmd in (["baseline"], ["compare", "--cpu", "Skylake-Server"],
                    ["migrate-check", "--cpu", "Skylake-Server"]):
            rc, _, err = run(*cmd)
            c.check(rc == 2 and "no hosts" in err, "zero hosts: %s: %d %s" % (cmd[0], rc, err))
        rc, _, err = run("migrate-check", "--cpu", "Skylake-Server", SKX)
        c.check(rc == 2 and "at least 2" in err, "migrate-check with one host: %s" % err)
        rc, _, err = run("migrate-check", "--cpu", "Skylake-Server", "--from", SKX)
        c.check(rc == 2 and "--to" in err, "migrate-check --from without --to")
        rc, _, err = run("compare", SKX)
        c.check(rc == 2 and "--cpu" in err, "compare without --cpu")
        rc, _, err = run("host", "diff", SKX)
        c.check(rc == 2 and "two host recordings" in err, "host diff with one file")
        rc, _, err = run("compare", "--cpu", "Skylake-Servr", SKX)
        c.check(rc == 2 and "unknown CPU model" in err, "compare with a misspelt model")


def test_help_and_man(c):
    with open(os.path.join(os.path.dirname(HOSTS), "..", "man", "kvmcpu.1")) as f:
        man = f.read().replace("\\-", "-")
    for cmd in (["compare"], ["baseline"], ["migrate-check"], ["host", "diff"], ["nfd"],
                ["matrix"]):
        rc, out, _ = run(*cmd, "--help")
        c.check(rc == 0 and "Usage: kvmcpu %s" % " ".join(cmd) in out, "%s --help" % " ".join(cmd))
        c.check(re.search(r'^\.B[RI]? "?%s\b' % r"\\?-".join(" ".join(cmd).split("-")), man, re.M),
                "man page documents %s" % " ".join(cmd))
        for opt in sorted(set(re.findall(r"--[a-z][a-z-]+", out))):
            c.check(opt in man, "man page mentions %s of %s" % (opt, " ".join(cmd)))
    _, out, _ = run("--help")
    for cmd in ("compare", "baseline", "migrate-check", "nfd"):
        c.check(cmd in out, "kvmcpu --help lists %s" % cmd)


# Kubernetes label rules (k8s.io/apimachinery IsQualifiedName, IsValidLabelValue) and
# NFD's features.d syntax and namespace rule (docs/usage/customization-guide.md,
# pkg/apis/nfd/validate): the expected shapes, written from those documents.
LABEL_NAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$")
DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$")


def nfd_problems(text):
    """Every line of a features.d file that NFD would not turn into a label, and why."""
    bad = []
    if len(text.encode()) > 64 * 1024:
        bad.append("file larger than NFD's 64 KiB limit")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            if line.startswith("# +"):
                bad.append("unexpected directive: " + line)
            continue
        key, _, value = line.partition("=")
        prefix, slash, name = key.partition("/")
        if not slash:
            bad.append("unprefixed: " + line)
            continue
        if len(prefix) > 253 or not all(DNS_LABEL.match(x) for x in prefix.split(".")):
            bad.append("prefix is not a DNS subdomain: " + line)
        if (prefix == "kubernetes.io" or prefix.endswith(".kubernetes.io")) and not (
                prefix in ("feature.node.kubernetes.io", "profile.node.kubernetes.io")
                or prefix.endswith(".feature.node.kubernetes.io")
                or prefix.endswith(".profile.node.kubernetes.io")):
            bad.append("namespace NFD denies: " + line)
        if prefix.endswith("kubevirt.io"):
            bad.append("KubeVirt's namespace: " + line)
        if not LABEL_NAME.match(name):
            bad.append("bad label name: " + line)
        if not LABEL_VALUE.match(value):
            bad.append("bad label value: " + line)
    return bad


def test_nfd(c):
    for f in sorted(os.listdir(HOSTS)):
        if not f.endswith(".txt"):
            continue
        rc, out, err = run("nfd", "--host", os.path.join(HOSTS, f))
        c.check(rc == 0 and not nfd_problems(out), "nfd %s: %d %s %s" % (f, rc, nfd_problems(out)[:3], err))
    labels = {}
    _, out, _ = run("nfd", "--host", HV_NEW)
    for line in out.splitlines():
        if not line.startswith("#"):
            k, _, v = line.partition("=")
            labels[k] = v
    pre = "kvmcpu.feature.node.kubernetes.io/"
    # The recorded Skylake-SP runs Skylake-Server-v4; Ice Lake's VBMI it lacks.
    c.check(labels.get(pre + "model.Skylake-Server-v4") == "true", "nfd: Skylake-Server-v4 label")
    c.check(pre + "model.Icelake-Server-v1" not in labels, "nfd: no Icelake-Server label")
    c.check(labels.get(pre + "psabi.x86-64-v4") == "true", "nfd: psABI v4 label")
    c.check(labels.get(pre + "hv.windows") == "true", "nfd: hv.windows on a Hyper-V host")
    c.eq(labels.get(pre + "phys-bits"), str(phys_bits(HV_NEW)), "nfd: phys-bits")
    c.check(not any("kubevirt" in k for k in labels), "nfd: nothing in KubeVirt's namespace")
    _, out, _ = run("nfd", "--host", HV_419)
    c.check(pre + "hv.windows=true" not in out, "nfd: no hv.windows without direct timers (4.19)")
    _, out, _ = run("nfd", "--host", SKX, "--prefix", "cpu.example.com")
    c.check("cpu.example.com/model.Skylake-Server-v4=true" in out and not nfd_problems(out),
            "nfd --prefix")
    for prefix in ("cpu-model.node.kubevirt.io", "kubevirt.io", "node.kubernetes.io", "Upper.example",
                   "-a.example", "a..b", "x" * 64 + ".example", ""):
        rc, _, err = run("nfd", "--host", SKX, "--prefix", prefix)
        c.check(rc == 2 and "--prefix" in err, "nfd refuses --prefix %r: %d %s" % (prefix, rc, err))
    # The checker itself rejects what NFD rejects.
    c.check(nfd_problems("a.example/" + "x" * 64 + "=true") and nfd_problems("noprefix=true")
            and nfd_problems("a.example/x=-bad") and nfd_problems("kubernetes.io/x=true"),
            "the features.d checker can fail")


def doc_blocks(doc, tag):
    """The fenced blocks that follow '<!-- test: TAG -->' in a docs/ file."""
    with open(os.path.join(os.path.dirname(HOSTS), "..", "docs", doc)) as f:
        text = f.read()
    return re.findall(r"<!-- test: %s -->\n```[a-z]*\n(.*?)```" % tag, text, re.S)


NODES = ("node1", "node2")


def yaml_loader():
    """PyYAML's safe_load_all as a function returning a list: from the python running the
    tests, or else from Debian's python3-yaml through /usr/bin/python3; None without either."""
    try:
        import yaml
        return lambda text: list(yaml.safe_load_all(text))
    except ImportError:
        pass
    debian = "/usr/bin/python3"
    if not (os.access(debian, os.X_OK) and
            subprocess.run([debian, "-c", "import yaml"], capture_output=True).returncode == 0):
        return None
    script = "import json, sys, yaml\njson.dump(list(yaml.safe_load_all(sys.stdin)), sys.stdout)"

    def load(text):
        p = subprocess.run([debian, "-c", script], input=text, capture_output=True, text=True, check=True)
        return json.loads(p.stdout)
    return load


def write_file(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def bin_dir(d, name):
    """A directory named NAME in d holding the kvmcpu under test."""
    path = os.path.join(d, name)
    os.mkdir(path)
    os.symlink(os.path.abspath(CLI), os.path.join(path, "kvmcpu"))
    return path


def without_apic_ids(recording):
    """A recording with the APIC ID of the CPU that made it cleared: KVM may pass the host's
    through, and a process may run on any CPU. The fields are those of the Intel SDM (CPUID
    leaf 1 EBX bits 31-24, leaves 0xB and 0x1F EDX) and the AMD APM (0x8000001E EAX)."""
    masks = {(0x1, "ebx"): 0x00ffffff, (0xb, "edx"): 0, (0x1f, "edx"): 0, (0x8000001e, "eax"): 0}
    for entry in recording.get("cpuid", ()):
        for (leaf, reg), mask in masks.items():
            if int(entry["function"], 16) == leaf:
                entry[reg] = "0x%08x" % (int(entry[reg], 16) & mask)
    return recording


def check_gathered(c, hosts_dir, how):
    """hosts_dir holds node1.json and node2.json, each this machine's live recording, and the
    baseline of the directory is answered and proven on both."""
    c.eq(sorted(os.listdir(hosts_dir)) if os.path.isdir(hosts_dir) else None,
         [n + ".json" for n in NODES], "%s: one recording per node" % how)
    _, local, _ = run("host", "--json")
    for node in NODES:
        try:
            with open(os.path.join(hosts_dir, node + ".json")) as f:
                got = json.load(f)
        except (OSError, ValueError) as e:
            got = e
        c.check(isinstance(got, dict) and without_apic_ids(got) == without_apic_ids(json.loads(local)),
                "%s: %s.json is this machine's recording: %s" % (how, node, str(got)[:200]))
    rc, out, err = run("baseline", "--hosts", hosts_dir)
    c.check(rc == 0 and re.search(r"^proof +resolved on all 2 hosts", out, re.M),
            "%s: kvmcpu baseline --hosts proves its answer: %d %s %s" % (how, rc, out[-300:], err))


def run_ssh_block(d, path):
    """docs/cluster.md's SSH fan-out, as written, in a new directory of d; returns the process."""
    work = os.path.join(d, "ssh-fanout")
    os.mkdir(work)
    write_file(os.path.join(work, "nodes.txt"), "".join(n + "\n" for n in NODES))
    (block,) = doc_blocks("cluster.md", "ssh")
    p = subprocess.run(["sh", "-e", "-c", block], cwd=work, env=dict(os.environ, PATH=path),
                       capture_output=True, text=True, timeout=120)
    p.hosts = os.path.join(work, "hosts")
    return p


def check_ssh_block(c, p, how):
    c.check(p.returncode == 0 and re.search(r"^proof +resolved on all 2 hosts", p.stdout, re.M),
            "%s: %d %s %s" % (how, p.returncode, p.stdout[-300:], p.stderr[-300:]))
    check_gathered(c, p.hosts, how)


def test_docs_ssh(c, d, sshd):
    """The SSH block with the real client and server: node1 and node2 are both the private
    sshd, whose sessions find the kvmcpu under test first in PATH."""
    local_bin = bin_dir(d, "control-bin")
    sshd.ssh_shim(local_bin)
    path = local_bin + os.pathsep + os.environ["PATH"]
    p = subprocess.run(["ssh", "root@node1", "command -v kvmcpu"], env=dict(os.environ, PATH=path),
                       capture_output=True, text=True, timeout=60)
    c.eq(p.stdout.strip(), os.path.join(sshd.remote_path.split(os.pathsep)[0], "kvmcpu"),
         "a session of the private sshd runs the kvmcpu under test (%s)" % p.stderr.strip())
    before = sshd.logins()
    p = run_ssh_block(d, path)
    check_ssh_block(c, p, "SSH fan-out block through sshd on 127.0.0.1:%d" % sshd.port)
    c.eq(sshd.logins() - before, len(NODES), "the SSH block logged in once per node")


def test_docs_ssh_stand_in(c, d):
    """The SSH block with an `ssh` that runs its command here, where no sshd can run."""
    local_bin = bin_dir(d, "stand-in-bin")
    write_file(os.path.join(local_bin, "ssh"), "#!/bin/sh\nshift\nexec \"$@\"\n")
    os.chmod(os.path.join(local_bin, "ssh"), 0o755)
    p = run_ssh_block(d, local_bin + os.pathsep + os.environ["PATH"])
    check_ssh_block(c, p, "SSH fan-out block (ssh standing in for a local shell)")


def ansible_env(d, path):
    """The environment of ansible-playbook: no configuration of this machine's (no ANSIBLE_*
    variable, no ansible.cfg in the working directory) and its files in d, not in $HOME.
    No SSH connection sharing: a ControlPersist master would outlive the test."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANSIBLE_")}
    for var, name in (("ANSIBLE_HOME", "home"), ("ANSIBLE_LOCAL_TEMP", "local-tmp"),
                      ("ANSIBLE_REMOTE_TEMP", "remote-tmp")):
        env[var] = os.path.join(d, "ansible-" + name)
    env.update(PATH=path, ANSIBLE_SSH_ARGS="-o ControlMaster=no", ANSIBLE_PIPELINING="True",
               ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="False")
    return env


def ansible_inventory(sshd):
    """node1 and node2 of the group kvm_hosts, both the private sshd. Host keys are checked,
    against the known_hosts that holds the server's key."""
    ssh_args = "-o UserKnownHostsFile=%s -o GlobalKnownHostsFile=/dev/null -o IdentitiesOnly=yes" \
        % sshd.known_hosts
    return "".join(["[kvm_hosts]\n"] + ["%s ansible_host=127.0.0.1\n" % n for n in NODES] + [
        "\n[kvm_hosts:vars]\n",
        "ansible_port=%d\n" % sshd.port,
        "ansible_user=root\n",
        "ansible_ssh_private_key_file=%s\n" % sshd.key,
        "ansible_ssh_common_args='%s'\n" % ssh_args,
        "ansible_python_interpreter=/usr/bin/python3\n",
    ])


def test_docs_ansible(c, d, sshd):
    """The playbook, as written, run by ansible-playbook against the private sshd."""
    playbook_cmd = shutil.which("ansible-playbook")
    if not playbook_cmd:
        print("SKIPPED (loudly): ansible-playbook missing (scripts/install-deps.sh installs "
              "ansible-core): the Ansible block is only parsed")
        return
    work = os.path.join(d, "ansible")
    os.mkdir(work)
    (playbook,) = doc_blocks("cluster.md", "ansible")
    write_file(os.path.join(work, "record.yml"), playbook)
    write_file(os.path.join(work, "inventory"), ansible_inventory(sshd))
    env = ansible_env(d, bin_dir(d, "ansible-control-bin") + os.pathsep + os.environ["PATH"])
    before, start = sshd.logins(), time.monotonic()
    p = subprocess.run([playbook_cmd, "-i", "inventory", "record.yml"], cwd=work, env=env,
                       capture_output=True, text=True, timeout=300)
    print("ansible-playbook took %.1f s" % (time.monotonic() - start))
    c.check(p.returncode == 0, "Ansible block: ansible-playbook exit %d\n%s\n%s"
            % (p.returncode, p.stdout[-1500:], p.stderr[-1500:]))
    c.check(sshd.logins() - before >= len(NODES), "ansible-playbook went through the private sshd")
    check_gathered(c, os.path.join(work, "hosts"), "Ansible block")


def test_docs_pve(c, d):
    """The Proxmox block with a plain directory for /etc/pve (no pmxcfs here)."""
    (pve,) = doc_blocks("cluster.md", "pve")
    pve = pve.replace("/etc/pve", os.path.join(d, "pve"))
    env = dict(os.environ, PATH=bin_dir(d, "pve-bin") + os.pathsep + os.environ["PATH"])
    p = subprocess.run(["sh", "-e", "-c", pve], cwd=d, env=env, capture_output=True, text=True)
    rc, out, err = run("baseline", "--hosts", os.path.join(d, "pve", "kvmcpu"))
    c.check(p.returncode == 0 and rc == 0, "Proxmox block (a directory for /etc/pve): %s %s"
            % (p.stderr, err))


def test_docs_configmap(c, d, load_yaml):
    """kubectl builds the ConfigMap of recordings without an API server; mounted, it gives the
    recordings' baseline."""
    kubectl = shutil.which("kubectl")
    if not kubectl or not load_yaml:
        print("SKIPPED (loudly): kubectl or python3-yaml missing (scripts/install-deps.sh installs "
              "kubernetes-client and python3-yaml): the ConfigMap round trip is not run")
        return
    rec = os.path.join(d, "recordings")
    os.mkdir(rec)
    shutil.copy(SKX, os.path.join(rec, "skx.txt"))
    _, out, _ = run("host", "--json", "--host", ICX)
    write_file(os.path.join(rec, "icx.json"), out)
    shutil.copy(SPR, os.path.join(rec, "spr.txt"))
    p = subprocess.run([kubectl, "create", "configmap", "kvmcpu-hosts", "--from-file=" + rec,
                        "--dry-run=client", "-o", "yaml"], capture_output=True, text=True, timeout=60)
    if not c.check(p.returncode == 0, "kubectl create configmap --dry-run=client: %s" % p.stderr):
        return
    mounted = os.path.join(d, "mounted")
    os.mkdir(mounted)
    for key, value in load_yaml(p.stdout)[0]["data"].items():
        write_file(os.path.join(mounted, key), value)
    _, j, _ = baseline("--hosts", mounted)
    _, k, _ = baseline(SKX, ICX, SPR)
    c.check(j and k and (j["model"], j["spec"], j["psabi"]) == (k["model"], k["spec"], k["psabi"]),
            "the ConfigMap, mounted, gives the recordings' baseline")


def test_docs_yaml(c, load_yaml):
    """Every YAML block of the docs parses; the DaemonSet and the nodeSelector say what they should."""
    blocks = doc_blocks("cluster.md", "ansible") + doc_blocks("cluster.md", "yaml") + \
        doc_blocks("kubernetes.md", "yaml")
    c.check(len(blocks) >= 4, "docs have their YAML blocks")
    if not load_yaml:
        print("SKIPPED (loudly): python3-yaml missing (scripts/install-deps.sh installs it); "
              "the YAML blocks of the docs are not checked")
        return
    for b in blocks:
        docs = load_yaml(b)
        c.check(docs and all(isinstance(x, (dict, list)) for x in docs), "YAML parses: %s" % b[:60])
    ds = load_yaml(blocks[1])[0]
    vols = {v["name"]: v for v in ds["spec"]["template"]["spec"]["volumes"]}
    c.check(vols["dev-kvm"]["hostPath"]["path"] == "/dev/kvm" and
            vols["features-d"]["hostPath"]["path"] == "/etc/kubernetes/node-feature-discovery/features.d",
            "DaemonSet mounts /dev/kvm and NFD's features.d")
    pod = load_yaml(blocks[-1])[0]
    c.check(all(not nfd_problems("%s=%s" % kv) for kv in pod["spec"]["nodeSelector"].items()),
            "the nodeSelector uses valid kvmcpu labels")


def test_docs(c):
    """docs/cluster.md and docs/kubernetes.md, as far as this machine can run them."""
    load_yaml = yaml_loader()
    test_docs_yaml(c, load_yaml)
    live = os.path.exists("/dev/kvm") and run("host", "--json")[0] == 0
    no_sshd = private_sshd.why_not()
    with tempfile.TemporaryDirectory() as d:
        if not live:
            print("SKIPPED (loudly): no usable /dev/kvm: the SSH, Ansible and Proxmox blocks "
                  "record the live host")
        elif no_sshd:
            print("SKIPPED (loudly): no private sshd: %s; the SSH block runs with ssh standing in "
                  "for a local shell and the Ansible block is only parsed" % no_sshd)
            test_docs_ssh_stand_in(c, d)
        else:
            node_dir = os.path.join(d, "node")
            os.mkdir(node_dir)
            # The nodes' sessions: the kvmcpu under test first, then the usual system PATH.
            remote_path = os.pathsep.join([bin_dir(node_dir, "bin"), "/usr/local/sbin", "/usr/local/bin",
                                           "/usr/sbin", "/usr/bin", "/sbin", "/bin"])
            with private_sshd.PrivateSshd(node_dir, NODES, remote_path) as sshd:
                test_docs_ssh(c, d, sshd)
                test_docs_ansible(c, d, sshd)
        if live:
            test_docs_pve(c, d)
        test_docs_configmap(c, d, load_yaml)


def main():
    c = Checker("cluster")
    test_intel_servers(c)
    test_old_intel(c)
    test_amd_servers(c)
    test_mixed_vendors(c)
    test_every_recording(c)
    test_hv_pinned(c)
    test_hv_host_without_hyperv(c)
    test_migrate_check(c)
    test_compare(c)
    test_host_diff(c)
    test_hosts_dir_and_formats(c)
    test_bad_inputs(c)
    test_nfd(c)
    test_docs(c)
    test_help_and_man(c)
    c.finish()


if __name__ == "__main__":
    main()
