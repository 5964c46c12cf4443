# SPDX-License-Identifier: MIT
"""Hostile recordings: special files, odd encodings, oversized and truncated files,
entry-count limits, load cost, round trips through `kvmcpu host`, and strict option numbers.
Expected messages and exit codes are the ones docs/host-format.md and kvmcpu(1) promise."""
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from kvmcpu_test import CLI, HOSTS, Checker  # noqa: E402

c = Checker("test_hostile")
tmp = tempfile.mkdtemp(prefix="kvmcpu-hostile-")

# Leaves 0 and 1 of a Haswell (tests/hosts/intel-haswell.txt).
LEAF0 = "00000000 00 0000000d 756e6547 6c65746e 49656e69"
LEAF1 = "00000001 00 000306c3 00100800 7ffafbff bfebfbff"


def run(*args, timeout=20):
    """Runs kvmcpu; a hang is a failure, never a stuck suite."""
    try:
        p = subprocess.run([CLI, *args], capture_output=True, text=True, timeout=timeout,
                           errors="replace")
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return None, "", "timed out after %d s" % timeout


def write(name, data):
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    return path


def refused(path, message, code=2, what=None, timeout=20):
    rc, _, err = run("models", "--host", path, timeout=timeout)
    what = what or os.path.basename(path)
    c.eq(rc, code, "%s: exit code (stderr: %s)" % (what, err.strip()[:300]))
    c.check(message in err, "%s: stderr %r lacks %r" % (what, err.strip()[:300], message))
    return err


def loads(path, what):
    rc, out, err = run("models", "--host", path)
    c.check(rc in (0, 1), "%s: loads (exit %s, stderr %s)" % (what, rc, err.strip()[:300]))


# ---- special files (issue: a FIFO hung for ever) ----
fifo = os.path.join(tmp, "fifo")
os.mkfifo(fifo)
refused(fifo, "is a FIFO (named pipe), not a regular file", timeout=10)

sock_path = os.path.join(tmp, "sock")
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.bind(sock_path)
refused(sock_path, "is a socket, not a regular file")
sock.close()

refused("/dev/null", "is a character device, not a regular file")
refused(tmp, "is a directory, not a regular file")
refused("/proc/self/status", "is a /proc or /sys file, not a host recording")
refused(os.path.join(tmp, "absent"), "No such file or directory")

# ---- size limit: a sparse 65 MiB file costs no disk ----
big = os.path.join(tmp, "big.txt")
with open(big, "wb") as f:
    f.truncate(65 << 20)
refused(big, "is larger than the 64 MiB limit")

# ---- truncated recordings ----
refused(write("nonl.txt", LEAF0 + "\n" + LEAF1), "nonl.txt:2: the last line has no line end")
refused(write("short.txt", LEAF0 + "\n" + LEAF1 + "\n00000007 00 0 0\n"),
        "short.txt:3: a cpuid line needs exactly six hex numbers")
refused(write("noleaf1.txt", LEAF0 + "\n"), "noleaf1.txt: no CPUID leaf 0x1")
refused(write("noleaf0.txt", LEAF1 + "\n"), "noleaf0.txt: no CPUID leaf 0x0")
refused(write("noleaf1.json", '{"schema": "kvmcpu-host/1", "cpuid": [{"function": 0, "eax": 13, '
              '"ebx": 1970169159, "ecx": 1818588270, "edx": 1231384169}]}'),
        "noleaf1.json: no CPUID leaf 0x1")

# ---- odd encodings ----
loads(write("bom.txt", b"\xef\xbb\xbf" + (LEAF0 + "\n" + LEAF1 + "\n").encode()), "BOM text")
loads(write("crlf.txt", LEAF0 + "\r\n" + LEAF1 + "\r\n"), "CRLF text")
loads(write("cr.txt", LEAF0 + "\r" + LEAF1 + "\r"), "CR-only text")
refused(write("cr-dup.txt", LEAF0 + "\r" + LEAF1 + "\r" + LEAF1 + "\r"),
        "cr-dup.txt:3: duplicate CPUID leaf/subleaf (also line 2)")
refused(write("array.json", "[1, 2, 3]\n"), "not a kvmcpu recording")

# ---- entry limits, each with its own message ----
many = [LEAF0, LEAF1] + ["%08x 00 0 0 0 0" % (0x80000000 + i) for i in range(300)]
err = refused(write("many.txt", "\n".join(many) + "\n"),
              "many.txt:257: more than 256 CPUID entries; KVM reports at most 256")
c.eq(err.count("more than 256 CPUID entries"), 1, "one message for too many CPUID entries")
refused(write("many-caps.txt", LEAF0 + "\n" + LEAF1 + "\n" +
              "".join("cap KVM_CAP_X%d 1\n" % i for i in range(1100))),
        "many-caps.txt:1027: more than 1024 capabilities")
refused(write("many-msrs.txt", LEAF0 + "\n" + LEAF1 + "\n" +
              "".join("msr %x 0\n" % i for i in range(1100))),
        "many-msrs.txt:1027: more than 1024 MSRs")
refused(write("many-hv.txt", LEAF0 + "\n" + LEAF1 + "\n" +
              "".join("hv-cpuid %x 0 0 0 0 0\n" % (0x40000000 + i) for i in range(70))),
        "many-hv.txt:67: more than 64 Hyper-V CPUID entries")

# ---- cost: 400k descending CPUID lines took 189 s; 1M JSON caps over 2 minutes ----
desc = "".join("%08x 00 0 0 0 0\n" % (0xffffffff - i) for i in range(400000))
t0 = time.monotonic()
refused(write("desc.txt", desc), "more than 256 CPUID entries", timeout=30)
c.check(time.monotonic() - t0 < 10, "400k descending lines refused within 10 s")

caps = "{\"schema\": \"kvmcpu-host/1\", \"cpuid\": [], \"caps\": {%s}}\n" % ", ".join(
    "\"KVM_CAP_%d\": 1" % i for i in range(1000000))
path = write("caps.json", caps)
t0 = time.monotonic()
refused(path, "a host recording holds a few thousand JSON values", timeout=30)
c.check(time.monotonic() - t0 < 10, "1M JSON caps refused within 10 s")

# Memory: a 62 MB JSON file peaked at 2.9 GB before it was refused.
# Written in chunks so that this script stays small: a forked child starts with its RSS.
path = os.path.join(tmp, "values.json")
with open(path, "w") as f:
    f.write("{\"schema\": \"kvmcpu-host/1\", \"x-a\": [1")
    chunk = ",1" * (1 << 20)
    for _ in range(31):
        f.write(chunk)
    f.write("]}\n")
    del chunk
size = os.path.getsize(path)
p = subprocess.Popen([CLI, "models", "--host", path], stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE)
_, status, usage = os.wait4(p.pid, 0)
p.returncode = os.waitstatus_to_exitcode(status)
err = p.stderr.read().decode()
c.eq(p.returncode, 2, "62 MiB of JSON values: exit code (%s)" % err.strip()[:200])
peak = usage.ru_maxrss * 1024
c.check(peak < 2 * size + (64 << 20),
        "62 MiB of JSON values: peak RSS %d MiB, want under twice the file + 64 MiB" % (peak >> 20))
for name in ("desc.txt", "caps.json", "values.json"):
    os.unlink(os.path.join(tmp, name))

# ---- round trips through the CLI: text -> JSON -> text gives the same recording ----
for fixture in sorted(os.listdir(HOSTS)):
    if not fixture.endswith(".txt"):
        continue
    src = os.path.join(HOSTS, fixture)
    rc, js, err = run("host", "--host", src, "--json")
    if not c.eq(rc, 0, "%s: host --json (%s)" % (fixture, err.strip()[:200])):
        continue
    jpath = write(fixture + ".json", js)
    rc, text, err = run("host", "--host", jpath, "--text")
    if not c.eq(rc, 0, "%s: JSON -> text (%s)" % (fixture, err.strip()[:200])):
        continue
    tpath = write(fixture + ".rt.txt", text)
    rc, js2, err = run("host", "--host", tpath, "--json")
    strip = lambda s: [l for l in s.splitlines() if '"origin"' not in l]  # noqa: E731
    c.check(rc == 0 and strip(js) == strip(js2), "%s: JSON -> text -> JSON differs" % fixture)

# The 0x80000020 entry KVM reports without the indexed flag keeps it through text.
flags_json = write("flags.json", (
    '{"schema": "kvmcpu-host/1", "cpuid": [\n'
    '{"function": 0, "eax": 13, "ebx": 1752462657, "ecx": 1145913699, "edx": 1769238117},\n'
    '{"function": 1, "eax": 10489617, "ebx": 0, "ecx": 0, "edx": 0},\n'
    '{"function": "0x80000020", "index": 0, "flags": 0, "eax": 0, "ebx": 14, "ecx": 0, "edx": 0}],\n'
    '"caps": {"KVM_CAP_NEGATIVE": -5, "KVM_CAP_BIG": 68719476736}}\n'))
rc, text, err = run("host", "--host", flags_json, "--text")
c.check("cpuid 80000020 00000000 00000000 0000000e 00000000 00000000 flags=0" in text,
        "0x80000020 with flags 0 written with flags=0: %s" % text)
c.check("cap KVM_CAP_NEGATIVE -5" in text and "cap KVM_CAP_BIG 1000000000" in text,
        "negative and 64-bit capability values written as such: %s" % text)
rc, js, err = run("host", "--host", write("flags.txt", text), "--json")
c.check('"function": "0x80000020", "index": "0x00000000", "flags": "0x00000000"' in js,
        "0x80000020 flags survive text: %s" % js)
c.check('"KVM_CAP_NEGATIVE": -5' in js and '"KVM_CAP_BIG": 68719476736' in js,
        "capability values survive text")

# Values one format cannot hold are refused by both, never truncated.
long_kernel = "6." + "1" * 200
refused(write("longkernel.txt", LEAF0 + "\n" + LEAF1 + "\nkernel " + long_kernel + "\n"),
        "longkernel.txt:3: kernel release longer than 127 characters")
refused(write("longmodule.txt", LEAF0 + "\n" + LEAF1 + "\nmodule " + "k" * 40 + "\n"),
        "longmodule.txt:3: module name longer than 31 characters")
refused(write("spacekernel.json", '{"schema": "kvmcpu-host/1", "kernel": "6.1 custom", "cpuid": []}'),
        "kernel (line 1, column 39): a kernel release is printable ASCII without space or '#'")
refused(write("capname.json", '{"schema": "kvmcpu-host/1", "cpuid": [], "caps": {"KVM_CAP_": 1}}'),
        "a capability name is KVM_CAP_ and up to 39 of A-Z, 0-9 and _")
refused(write("capname.txt", LEAF0 + "\n" + LEAF1 + "\ncap KVM_CAP_\xe9 1\n"),
        "capname.txt:3: a capability name is KVM_CAP_ and up to 39 of A-Z, 0-9 and _")

# ---- option numbers: strict, no sign, no wrap-around ----
for opt, value in (("--msr", "-18446744073709551615"), ("--msr", "+1"), ("--msr", " 1"),
                   ("--msr", "0x100000000"), ("--msr", ""), ("--msr", "1x"),
                   ("--timeout", "-18446744073709551615"), ("--timeout", "0"),
                   ("--timeout", "600001"), ("--timeout", "18446744073709551617"),
                   ("--timeout", "1e3")):
    for cmd in ("run", "verify") if opt == "--timeout" else ("run",):
        rc, _, err = run(cmd, opt, value, "--cpu", "nope-model")
        c.eq(rc, 2, "%s %s %r: exit code (%s)" % (cmd, opt, value, err.strip()[:200]))
        c.check(("'%s'" % value) in err, "%s %s %r: message names the value" % (cmd, opt, value))

c.finish()
