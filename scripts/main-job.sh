#!/bin/sh
# The main job of `make run`: which models this host runs, the resolved CPUID of
# a default model, and a real guest's view of that model on this machine's KVM.
set -u
builddir=${1:-build}
kvmcpu="$builddir/cli/kvmcpu"
model=${KVMCPU_RUN_MODEL:-x86-64-v2}

section() { printf '\n==> %s\n' "$*"; }

if [ ! -e /dev/kvm ]; then
	echo "make run: /dev/kvm is absent on this machine; showing a recorded host instead." >&2
	section "kvmcpu models --runnable --host tests/hosts/intel-skylake-server.txt"
	"$kvmcpu" models --runnable --host tests/hosts/intel-skylake-server.txt
	section "kvmcpu cpuid --cpu Skylake-Server --host tests/hosts/intel-skylake-server.txt"
	exec "$kvmcpu" cpuid --cpu Skylake-Server --host tests/hosts/intel-skylake-server.txt
fi
section "kvmcpu models --runnable (the models this host runs)"
"$kvmcpu" models --runnable
section "kvmcpu cpuid --cpu $model --explain (this host)"
"$kvmcpu" cpuid --cpu "$model" --explain || exit $?
section "kvmcpu run --cpu $model (a probe guest on this host's KVM)"
exec "$kvmcpu" run --cpu "$model"
