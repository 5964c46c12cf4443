#!/bin/sh
# SPDX-License-Identifier: MIT
# kvmcpu run / verify: exit codes, errors that name the input, JSON, a passing sweep.
set -u
cli=${KVMCPU_CLI:?KVMCPU_CLI is not set}
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() { # expect CODE DESCRIPTION -- command...
	want=$1; what=$2; shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $what: exit $got, expected $want"; cat "$tmp/err"; fail=1
	fi
}
contains() { # contains FILE TEXT
	grep -qF -- "$2" "$tmp/$1" || { echo "FAIL: '$2' not in $1:"; cat "$tmp/$1"; fail=1; }
}

expect 0 "run --help" -- "$cli" run --help
contains out "Usage: kvmcpu run"
expect 0 "verify --help" -- "$cli" verify --help
contains out "Usage: kvmcpu verify"
expect 2 "run bad option" -- "$cli" run --frobnicate
expect 2 "run bad timeout" -- "$cli" run --timeout 0
contains err "--timeout '0'"
expect 2 "run bad msr" -- "$cli" run --msr zz
contains err "--msr 'zz'"
expect 2 "verify without models" -- "$cli" verify
contains err "--all or one or more --cpu"
expect 2 "run on a missing --dev path (bad input)" -- "$cli" run --cpu Haswell --dev /nonexistent/kvm
contains err "/nonexistent/kvm"
expect 2 "verify on a missing --dev path (bad input)" -- "$cli" verify --all --dev /nonexistent/kvm
contains err "/nonexistent/kvm"

if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	echo "SKIP: the rest needs a usable /dev/kvm"
	[ $fail -eq 0 ] && exit 77
	exit 1
fi

expect 2 "run unknown model" -- "$cli" run --cpu NoSuchModel
contains err "NoSuchModel"
expect 0 "run Skylake-Server" -- "$cli" run --cpu Skylake-Server
# PASS only when no feature was dropped; otherwise the verdict says the model lost some.
contains out "Verdict: "
contains out "80000002.0"
expect 0 "run --json" -- "$cli" run --cpu x86-64-v2 --json --msr 0x10a
python3 - "$tmp/out" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["passed"] is True and d["mismatch_bits"] == 0, d
assert d["calibrated"] is True
regs = d["registers"]
assert any(r["leaf"] == 0 and r["reg"] == "eax" for r in regs)
assert any(not r["in_table"] for r in regs), "no sweep past the table"
assert any(m["index"] == 0x10a for m in d["msrs"])
PY
forced=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["forced_bits"])' "$tmp/out")
if [ "$forced" -gt 0 ]; then
	expect 1 "run --strict with host-forced bits" -- "$cli" run --cpu x86-64-v2 --strict
	contains out "Verdict: FAIL"
else
	expect 0 "run --strict without host-forced bits" -- "$cli" run --cpu x86-64-v2 --strict
fi
expect 0 "verify two models" -- "$cli" verify --cpu Haswell --cpu EPYC-Rome
contains out "2 of 2 proven"
expect 0 "verify --all --json" -- "$cli" verify --all --json
python3 - "$tmp/out" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert d["models"] >= 150 and d["proven"] == d["models"], (d["models"], d["proven"])
assert all(r["mismatch_bits"] == 0 and r["error"] is None for r in d["results"])
print("verify --all: %d models proven, %d host-forced registers from calibration"
      % (d["proven"], len(d["host_forced"])))
PY
exit $fail
