#!/bin/sh
# Installs the Debian packages kvmcpu needs to build and test, only those missing.
# Extra package names given as arguments are installed the same way, for the targets
# that need them only: make fuzz (clang), make coverage (gcovr).
set -eu
# libvirt-daemon and libvirt-clients: cpu_map, virt-xml-validate and virsh for kvmcpu export's tests.
# The examples of docs/cluster.md that tests/cli/test_cluster.py runs: openssh-server and
# openssh-client for the SSH fan-out (the test starts a private sshd on 127.0.0.1 with its
# own configuration; it needs no ssh service), ansible-core for the same with Ansible,
# python3-yaml for the YAML blocks (Debian's python3 has it when the tests' python lacks it).
pkgs="meson ninja-build gcc pkg-config python3 qemu-system-x86 valgrind binutils cpuid python3-jsonschema zsh libvirt-daemon libvirt-clients openssh-server openssh-client ansible-core python3-yaml $*"
# kubernetes-client: kubectl for the ConfigMap example, unless some other package already
# gives a kubectl (both would own /usr/bin/kubectl).
command -v kubectl >/dev/null || pkgs="$pkgs kubernetes-client"
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
