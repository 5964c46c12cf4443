#!/bin/sh
# The main job of `make run`: build quietly (meson and ninja write to a log), then one
# screen about this host: what it is, how many models it runs unchanged, the default
# model's verdict, a model it really runs proven by a probe guest, and what to try next.
# It never calls a model whose features were dropped a PASS, and when the host runs
# no model unchanged it says so.
#
# KVMCPU_RUN_MODEL: the default model (x86-64-v2). KVMCPU_RUN_NO_BUILD=1: skip the build
# (the tests run this script against a build that is already there). KVMCPU_RUN_DEV: the
# KVM device looked for (/dev/kvm; the tests name a missing one to see the other branch).
set -u
builddir=${1:-build}
model=${KVMCPU_RUN_MODEL:-x86-64-v2}
kvmcpu="$builddir/cli/kvmcpu"
log="$builddir/make-run.log"
# A recording of a live KVM host (a raw CPUID dump would lack the KVM leaves).
recorded=tests/hosts/hv-intel-noevmcs.txt

mkdir -p "$builddir"
: >"$log"
if [ "${KVMCPU_RUN_NO_BUILD:-0}" != 1 ]; then
	printf 'make run: building (the build output goes to %s) ...\n' "$log"
	if ! { scripts/install-deps.sh && { [ -f "$builddir/build.ninja" ] || meson setup "$builddir"; } &&
		meson compile -C "$builddir"; } >>"$log" 2>&1; then
		echo "make run: the build failed; the end of $log:"
		tail -n 20 "$log"
		exit 1
	fi
fi

# "key   value" lines of `kvmcpu host`.
host_field() { sed -n "s/^$1 *//p" "$2" | head -n 1; }
# The features a spec loses on the host (empty when it runs unchanged), from --enforce's error.
lost_features() {
	"$kvmcpu" cpuid --cpu "$1" --enforce $2 >/dev/null 2>"$builddir/make-run.err"
	rc=$?
	cat "$builddir/make-run.err" >>"$log"
	[ $rc -eq 0 ] && return 0
	sed -n 's/.*features\{0,1\} of the model: //p' "$builddir/make-run.err" | head -n 1
	[ $rc -eq 1 ] || sed -n '1p' "$builddir/make-run.err"
}

hostopt=""
if [ ! -e "${KVMCPU_RUN_DEV:-/dev/kvm}" ]; then
	hostopt="--host $recorded"
fi
info="$builddir/make-run.host"
# shellcheck disable=SC2086
if ! "$kvmcpu" host $hostopt >"$info" 2>>"$log"; then
	echo "make run: kvmcpu cannot use this host's KVM:"
	# shellcheck disable=SC2086
	"$kvmcpu" host $hostopt 2>&1 >/dev/null | sed 's/^/  /'
	echo "Try a recorded host instead: $kvmcpu models --host $recorded"
	exit 3
fi
# shellcheck disable=SC2086
hv=$("$kvmcpu" hv $hostopt 2>>"$log" | sed -n '1s/.*Hyper-V emulation \(yes\|no\).*/\1/p')
# shellcheck disable=SC2086
"$kvmcpu" models $hostopt >"$builddir/make-run.models" 2>>"$log"
count=$(tail -n 1 "$builddir/make-run.models" | sed 's/ models runnable on .*//')
runnable=$(awk '$NF == "runnable" && $2 != "->" { print $1 }' "$builddir/make-run.models")
total=$(echo "$count" | sed 's/.* of //')
nrun=$(echo "$count" | sed 's/ of .*//')
# shellcheck disable=SC2086
default_lost=$(lost_features "$model" "$hostopt")

# The model shown: the default when it runs unchanged, else the highest psABI level that
# does, else the first model that does. Runnable means "kvmcpu cpuid --enforce" accepts it.
shown=""
if [ -z "$default_lost" ]; then
	shown=$model
else
	for m in x86-64-v4 x86-64-v3 x86-64-v2-AES x86-64-v2 x86-64-v1 $runnable; do
		echo "$runnable" | grep -qx -- "$m" || continue
		# shellcheck disable=SC2086
		[ -z "$(lost_features "$m" "$hostopt")" ] && { shown=$m; break; }
	done
fi

printf '\nkvmcpu %s: make run on this machine\n' "$("$kvmcpu" --version | sed 's/^kvmcpu //')"
printf 'The binary is %s: export PATH="$PWD/%s/cli:$PATH", or make install.\n\n' "$kvmcpu" "$builddir"
if [ -n "$hostopt" ]; then
	echo "This machine has no /dev/kvm, so no guest runs here. Below: a recorded host."
fi
brand=$(host_field brand "$info")
printf '%-14s %s: %s%s\n' "Host" "$(host_field origin "$info")" "$(host_field vendor "$info")" \
	"${brand:+ ($brand)}"
printf '%-14s kernel %s, module %s, Hyper-V emulation: %s\n' "" "$(host_field kernel "$info")" \
	"$(host_field module "$info")" "${hv:-unknown}"
if [ "$nrun" = 0 ]; then
	printf '%-14s this host runs none of the %s models unchanged: every one loses features\n' \
		"Models" "$total"
else
	printf '%-14s %s of %s run here unchanged (kvmcpu models --runnable%s)\n' "Models" "$nrun" \
		"$total" "${hostopt:+ $hostopt}"
fi
if [ -z "$default_lost" ]; then
	printf '%-14s %s runs here unchanged\n' "Default model" "$model"
else
	printf '%-14s %s does NOT run here unchanged; the host lacks: %s\n' "Default model" "$model" \
		"$default_lost" | fold -s -w 100 | sed '2,$s/^/               /'
fi

rc=0
if [ -z "$hostopt" ]; then
	demo=${shown:-$model}
	"$kvmcpu" run --cpu "$demo" >"$builddir/make-run.guest" 2>>"$log"
	rc=$?
	cat "$builddir/make-run.guest" >>"$log"
	verdict=$(sed -n 's/^Verdict: //p' "$builddir/make-run.guest")
	word=${verdict%%:*}
	forced=$(echo "$verdict" | sed -n 's/.*; \([0-9]*\) host-forced bit.*/\1/p')
	if [ -n "$shown" ] && [ "$shown" != "$model" ]; then
		printf '%-14s %s, the first of the psABI levels (then the other models) this host runs unchanged\n' \
			"Shown model" "$demo"
	fi
	if [ $rc -gt 1 ] || [ -z "$verdict" ]; then
		printf '%-14s kvmcpu run --cpu %s failed (exit %s); see %s\n' "Probe guest" "$demo" "$rc" "$log"
	elif [ "$word" = PASS ]; then
		printf '%-14s PASS for %s: proven (the guest saw exactly the table set) and runnable\n' \
			"Probe guest" "$demo"
		printf '%-14s (no feature of the model dropped); %s host-forced bits reported\n' "" "${forced:-0}"
	else
		printf '%-14s %s for %s:\n' "Probe guest" "$word" "$demo"
		echo "${verdict#*: }" | fold -s -w 84 | sed 's/^/               /'
		sed -n 's/^This host lacks/the host lacks/p' "$builddir/make-run.guest" | fold -s -w 84 |
			sed 's/^/               /'
	fi
else
	demo=${shown:-$model}
	printf '%-14s none: a recorded host has no KVM to run a guest on\n' "Probe guest"
fi

echo
echo "Try next"
if [ -n "$shown" ]; then
	printf '  %-50s %s\n' "$kvmcpu cpuid --cpu $shown --explain${hostopt:+ $hostopt}" \
		"the table, and why each bit differs"
fi
[ -z "$hostopt" ] && printf '  %-50s %s\n' "$kvmcpu run --cpu ${shown:-$model}" \
	"the guest's view, register by register"
printf '  %-50s %s\n' "$kvmcpu models${hostopt:+ $hostopt}" "what every model lacks on this host"
[ -z "$hostopt" ] && printf '  %-50s %s\n' "$kvmcpu verify --all" \
	"prove every model: proven vs runnable"
printf '  %-50s %s\n' "$kvmcpu help" "every command; man man/kvmcpu.1"
printf '(the details of this run: %s)\n' "$log"
exit $rc
