#!/bin/sh
# Installs the Debian packages kvmcpu needs to build and test, only those missing.
# Extra package names given as arguments are installed the same way, for the targets
# that need them only: make fuzz (clang), make coverage (gcovr).
set -eu
# libvirt-daemon and libvirt-clients: cpu_map, virt-xml-validate and virsh for kvmcpu export's tests.
pkgs="meson ninja-build gcc pkg-config python3 qemu-system-x86 valgrind binutils cpuid python3-jsonschema zsh libvirt-daemon libvirt-clients $*"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
