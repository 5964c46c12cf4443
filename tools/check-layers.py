#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Data flows one way through src/: fails on any loop between files or folders of src/,
by #include and, given a build directory, by calls (the symbols each object file of the
library defines and uses), and on any include or call against the folder order below.
The CLI may include only the public headers.
usage: check-layers.py SRCDIR [BUILDDIR]"""
import collections
import os
import re
import subprocess
import sys

# The folders of src/, lowest first: a folder may use only itself and the ones before it.
# hv (the Hyper-V stage) writes into the result and is run by the resolve driver; config
# parses Hyper-V specs with hv's flag table.
ORDER = ["util", "model", "host", "result", "hv", "config", "resolve", "kvm", "probe", "export",
         "cluster"]
RANK = {name: i for i, name in enumerate(ORDER)}
# Loops that changes under way remove; reported loudly, not failed, until they are gone.
# Any other loop fails. Delete an entry once its loop is gone (the check then says so).
KNOWN_LOOPS = {}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# Private headers of sources compiled into the CLI as well as into the library
# (cli/meson.build): the CLI may include these, and no other header of src/.
CLI_SHARED = {"util/jsonw.h", "util/number.h"}

problems = []


def problem(msg):
    problems.append(msg)
    print("FAIL: " + msg)


def find_cycles(graph):
    """Every elementary cycle would be too many; one cycle per strongly connected component."""
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.get(v, ()):
                cycles.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            strong(v)
    return cycles


def include_graph(src):
    files = {}
    for folder in sorted(os.listdir(os.path.join(src, "src"))):
        path = os.path.join(src, "src", folder)
        if not os.path.isdir(path):
            continue
        if folder not in RANK:
            problem("src/%s is not in the folder order of tools/check-layers.py" % folder)
        for name in sorted(os.listdir(path)):
            if name.endswith((".c", ".h")):
                with open(os.path.join(path, name)) as f:
                    files["%s/%s" % (folder, name)] = INCLUDE.findall(f.read())
    graph = collections.defaultdict(set)
    for f, incs in files.items():
        folder = f.split("/")[0]
        for inc in incs:
            target = inc if inc in files else "%s/%s" % (folder, inc)
            if target in files:
                graph[f].add(target)
    return files, graph


def check_folder_edges(edges, how):
    for (a, b), why in sorted(edges.items()):
        if a in RANK and b in RANK and RANK[b] > RANK[a]:
            problem("src/%s %s src/%s (%s), against the order %s"
                    % (a, how, b, why, " -> ".join(ORDER)))
    folder_graph = collections.defaultdict(set)
    for a, b in edges:
        folder_graph[a].add(b)
    for cycle in find_cycles(folder_graph):
        problem("folders %s %s each other in a loop" % (", ".join(cycle), how))


def check_includes(src):
    files, graph = include_graph(src)
    for cycle in find_cycles(graph):
        problem("files include each other in a loop: %s" % ", ".join(cycle))
    edges = {}
    for f, targets in graph.items():
        for t in targets:
            a, b = f.split("/")[0], t.split("/")[0]
            if a != b:
                edges.setdefault((a, b), "%s includes %s" % (f, t))
    check_folder_edges(edges, "includes")
    for name in sorted(os.listdir(os.path.join(src, "cli"))):
        if name.endswith((".c", ".h")):
            with open(os.path.join(src, "cli", name)) as f:
                for inc in INCLUDE.findall(f.read()):
                    if inc.split("/")[0] in RANK and inc not in CLI_SHARED:
                        problem("cli/%s includes %s: the CLI uses only the public API"
                                % (name, inc))
    return len(files)


def check_calls(build):
    objdir = os.path.join(build, "libkvmcpu-internal.a.p")
    defined, used = {}, collections.defaultdict(set)
    for name in sorted(os.listdir(objdir)):
        m = re.match(r"(?:meson-generated_\.\._)?src_([a-z]+)_(.+)\.c\.o$", name)
        if not m:
            continue
        unit = "%s/%s.c" % (m.group(1), m.group(2))
        out = subprocess.run(["nm", os.path.join(objdir, name)], capture_output=True,
                             text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TDRB":
                defined[parts[2]] = unit
            elif len(parts) == 2 and parts[0] == "U":
                used[unit].add(parts[1])
    graph = collections.defaultdict(set)
    edges = {}
    for unit, syms in used.items():
        for sym in syms:
            target = defined.get(sym)
            if target and target != unit:
                graph[unit].add(target)
                a, b = unit.split("/")[0], target.split("/")[0]
                if a != b:
                    edges.setdefault((a, b), "%s uses %s of %s" % (unit, sym, target))
    seen = set()
    for cycle in find_cycles(graph):
        known = KNOWN_LOOPS.get(frozenset(cycle))
        if known:
            seen.add(frozenset(cycle))
            print("KNOWN LOOP (not failed, being removed): files call each other: %s: %s"
                  % (", ".join(cycle), known))
        else:
            problem("files call each other in a loop: %s" % ", ".join(cycle))
    for gone in set(KNOWN_LOOPS) - seen:
        print("NOTE: the known loop %s is gone; delete it from KNOWN_LOOPS"
              % ", ".join(sorted(gone)))
    check_folder_edges(edges, "calls")
    return len(used)


def main():
    src = sys.argv[1]
    nfiles = check_includes(src)
    nobjs = check_calls(sys.argv[2]) if len(sys.argv) > 2 else 0
    print("layers: %d files, %d objects, %d problems" % (nfiles, nobjs, len(problems)))
    return 1 if problems else 0


sys.exit(main())
