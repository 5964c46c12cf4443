#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Shell completion (completion/kvmcpu.bash and completion/_kvmcpu), driven as the shells
drive it: bash through the function `complete -F` registered, with COMP_WORDS/COMP_CWORD
set as bash sets them; zsh through the completion function with `words`/CURRENT and a
compadd that prints what it is given.

Expected names come from outside the scripts: the subcommands and options of kvmcpu(1)
and README.md, QEMU's model and feature names (data/x86-cpu-models*.json,
data/x86-cpuid-features*.json) and the Hyper-V flags of docs/hyperv-enlightenments.md.
"""
import json
import os
import shutil
import subprocess

from kvmcpu_test import CLI, SRCDIR, Checker, load_data

BASH = os.path.join(SRCDIR, "completion", "kvmcpu.bash")
ZSH = os.path.join(SRCDIR, "completion", "_kvmcpu")

MODELS = {m["name"] for m in load_data("x86-cpu-models.json") + load_data("x86-cpu-models-newer.json")}
FEATURES = set(load_data("x86-cpuid-features.json")["features"]) | set(load_data("x86-cpuid-features-newer.json")["features"])


def bash_complete(*words):
    """COMPREPLY for the command line @words, the last being the word completed."""
    script = ('source "$1"; shift; complete -p kvmcpu >/dev/null || exit 9\n'
              'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}\n'
              'fn=$(complete -p kvmcpu | sed -n "s/.*-F \\([^ ]*\\) .*/\\1/p"); "$fn" kvmcpu "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"\n'
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    p = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash", BASH, CLI, *words],
                       capture_output=True, text=True, timeout=60, cwd=SRCDIR)
    if p.returncode:
        raise AssertionError("bash completion of %r: exit %d %s" % (words, p.returncode, p.stderr))
    return {l for l in p.stdout.splitlines() if l}


def zsh_complete(*words):
    script = ('compadd() { local p=""; while [[ $1 == -* ]]; do case $1 in -P) p=$2; shift 2;; '
              '--) shift; break;; *) shift;; esac; done; local x; for x in "$@"; do print -r -- "$p$x"; done }\n'
              '_files() { print -r -- "<files>" }\n'
              'f=$1; shift; words=("$@"); CURRENT=$#; source "$f"\n')
    p = subprocess.run(["zsh", "-f", "-c", script, "zsh", ZSH, CLI, *words],
                       capture_output=True, text=True, timeout=60, cwd=SRCDIR)
    if p.returncode:
        raise AssertionError("zsh completion of %r: exit %d %s" % (words, p.returncode, p.stderr))
    return {l for l in p.stdout.splitlines() if l}


def cases():
    """(command line, expected set, exact): exact means nothing else may be offered."""
    hsw_no = {"Haswell+no_" + f for f in FEATURES if f.startswith("hl")}
    return [
        (["mo"], {"model", "models"}, True),
        (["ver"], {"verify"}, True),
        (["help", "cp"], {"cpuid"}, True),
        (["cpuid", "--ex"], {"--explain"}, True),
        (["models", "--"], {"--host", "--runnable", "--json", "--help"}, False),
        (["run", "--ms"], {"--msr"}, True),
        (["cpuid", "--cpu", "Skylake-Server-v"], {m for m in MODELS if m.startswith("Skylake-Server-v")}, True),
        (["cpuid", "--cpu", "ho"], {"host"}, True),
        (["cpuid", "--cpu", "Haswell+avx512v"], {"Haswell+" + f for f in FEATURES if f.startswith("avx512v")}, True),
        (["cpuid", "--cpu", "Haswell+avx2+no_hl"], {"Haswell+avx2+no_" + f for f in FEATURES if f.startswith("hl")}, True),
        (["verify", "--cpu", "Haswell+no_hl"], hsw_no, True),
        (["cpuid", "--hv", "win"], {"windows"}, True),
        (["cpuid", "--hv", "windows+no_ev"], {"windows+no_evmcs"}, True),
        (["cpuid", "--hv", "windows+stim"], {"windows+stimer", "windows+stimer_direct"}, True),
        (["cpuid", "--hv", "pass"], {"passthrough"}, True),
        (["model", "EPYC-Rome"], {m for m in MODELS if m.startswith("EPYC-Rome")}, True),
    ]


def main():
    c = Checker("completion")
    c.check(MODELS and FEATURES and "avx512vl" in FEATURES, "reference names loaded")
    for words, want, exact in cases():
        got = bash_complete(*words)
        if exact:
            c.eq(got, want, "bash: kvmcpu %s<TAB>" % " ".join(words))
        else:
            c.check(want <= got, "bash: kvmcpu %s<TAB>: %s missing" % (" ".join(words), sorted(want - got)))
    got = bash_complete("cpuid", "--host", "tests/hosts/intel-hasw")
    c.eq(got, {"tests/hosts/intel-haswell.txt"}, "bash: --host completes file names")
    if not shutil.which("zsh"):
        print("SKIPPED (loudly): zsh is not installed (scripts/install-deps.sh installs it); "
              "completion/_kvmcpu was not driven")
    else:
        for words, want, exact in cases():
            got = zsh_complete(*words)
            if exact:
                c.eq(got, want, "zsh: kvmcpu %s<TAB>" % " ".join(words))
            else:
                c.check(want <= got, "zsh: kvmcpu %s<TAB>: %s missing" % (" ".join(words), sorted(want - got)))
        c.eq(zsh_complete("cpuid", "--host", "x"), {"<files>"}, "zsh: --host completes file names")
    c.finish()


if __name__ == "__main__":
    main()
