#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The ABI agrees with itself: the symbol map names exactly the functions the public
headers declare with KVMCPU_API, the shared library exports exactly those under the
map's version node, the soname takes that node's major version, and the headers'
KVMCPU_VERSION_* macros and kvmcpu_version() give the project version."""
import os
import re
import subprocess
import sys

src = os.environ["KVMCPU_SRCDIR"]
build = os.environ["KVMCPU_BUILDDIR"]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


declared = set()
headers = {}
for name in sorted(os.listdir(os.path.join(src, "include", "kvmcpu"))):
    with open(os.path.join(src, "include", "kvmcpu", name)) as f:
        headers[name] = f.read()
    # "KVMCPU_API <type> [*]name(" possibly across lines.
    for m in re.finditer(r"KVMCPU_API\b[^;(]*?\b(kvmcpu_\w+)\s*\(", headers[name], re.S):
        declared.add(m.group(1))

with open(os.path.join(src, "src", "libkvmcpu.map")) as f:
    mapfile = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
nodes = re.findall(r"^(KVMCPU_(\d+)\.(\d+))\s*\{(.*?)\}", mapfile, re.M | re.S)
if not nodes:
    fail("src/libkvmcpu.map has no KVMCPU_<major>.<minor> node")
mapped = {}
for node, _, _, body in nodes:
    glob = body.split("local:")[0].replace("global:", "")
    for sym in re.findall(r"([\w*?\[\]]+)\s*;", glob):
        if re.search(r"[*?\[]", sym):
            fail("the map names symbols one by one; %s in %s is a wildcard" % (sym, node))
        elif sym in mapped:
            fail("%s is listed twice in the map (%s and %s)" % (sym, mapped[sym], node))
        else:
            mapped[sym] = node
newest = max(nodes, key=lambda n: (int(n[1]), int(n[2]))) if nodes else ("", "0", "0", "")

lib = os.path.join(build, "libkvmcpu.so")
out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True,
                     check=True).stdout
exported = {}
for line in out.splitlines():
    parts = line.split()
    if parts[1:2] == ["T"]:
        name, _, version = parts[-1].partition("@")
        exported[name] = version.lstrip("@")

for name in sorted(declared - set(mapped)):
    fail("declared with KVMCPU_API but not in the map: %s" % name)
for name in sorted(set(mapped) - declared):
    fail("in the map but not declared with KVMCPU_API: %s" % name)
for name in sorted(declared - set(exported)):
    fail("declared but not exported: %s" % name)
for name in sorted(set(exported) - declared):
    fail("exported but not declared with KVMCPU_API: %s" % name)
for name in sorted(set(exported) & set(mapped)):
    if exported[name] != mapped[name]:
        fail("%s is exported as version '%s', the map says %s" % (name, exported[name], mapped[name]))

dyn = subprocess.run(["readelf", "-d", lib], capture_output=True, text=True, check=True).stdout
soname = re.search(r"SONAME\)\s+Library soname: \[(.*?)\]", dyn)
want = "libkvmcpu.so.%s" % newest[1]
if not soname or soname.group(1) != want:
    fail("soname is %s; the map's newest node %s makes it %s"
         % (soname.group(1) if soname else "missing", newest[0], want))

with open(os.path.join(src, "meson.build")) as f:
    project_version = re.search(r"version:\s*'([^']+)'", f.read()).group(1)
macros = dict(re.findall(r"#define KVMCPU_VERSION_(MAJOR|MINOR|PATCH) (\d+)",
                         headers.get("common.h", "")))
header_version = "%s.%s.%s" % (macros.get("MAJOR"), macros.get("MINOR"), macros.get("PATCH"))
if header_version != project_version:
    fail("kvmcpu/common.h says %s, meson.build says %s" % (header_version, project_version))
if project_version.split(".")[0] != newest[1]:
    fail("project version %s and the map's %s disagree on the major version"
         % (project_version, newest[0]))

print("symbols: %d declared, %d mapped, %d exported; %d failed"
      % (len(declared), len(mapped), len(exported), len(failures)))
sys.exit(1 if failures or not declared else 0)
