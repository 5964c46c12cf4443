#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Conformance against QEMU 11.1.3 for every model name (what `make conformance` runs).
#
# QEMU 11.1.3 comes from Debian 13 (trixie) backports, which cannot be installed on
# this Debian 12 host directly. The script therefore keeps a Debian 13 chroot outside
# the source tree (KVMCPU_CHROOT, default /var/cache/kvmcpu/trixie), creates it once
# with debootstrap from the mirror this machine's apt already uses, installs
# qemu-system-x86 from trixie-backports into it, and then runs the same QMP
# comparison as the `conformance` test suite, driving the chroot's QEMU from
# outside (`chroot ROOT qemu-system-x86_64 ...`, QMP over stdio) with /dev bound in
# for /dev/kvm; then the whole-table comparison (table_conformance.py) against the
# same QEMU.
#
# Usage: tests/conformance/run-newer.sh [BUILDDIR] [--setup-only] [options of both harnesses:
#        --models A,B --jobs N --timeout S]
# Needs root (debootstrap, chroot, mount). Safe to run again: every step checks
# whether it was already done.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
builddir="build"
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
	builddir=$1
	shift
fi
setup_only=0
if [ "${1:-}" = "--setup-only" ]; then
	setup_only=1
	shift
fi
case $builddir in /*) ;; *) builddir="$srcdir/$builddir" ;; esac

root=${KVMCPU_CHROOT:-/var/cache/kvmcpu/trixie}
want_version="11.1.3"
stamp="$root/.kvmcpu-qemu-ready"

say() { echo "run-newer: $*"; }
die() { echo "run-newer: error: $*" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] || die "needs root (debootstrap, chroot and bind mounts); run it as root"

# The first Debian (not security) mirror named in /etc/apt/sources.list*.
find_mirror() {
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		case $f in
		*.sources)
			awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$f" ;;
		*)
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; break } }' "$f" ;;
		esac
	done | grep -v -e security -e '^$' | grep '/debian/*$' | head -n 1
}

mounted() { grep -q " $1 " /proc/mounts; }

# The bind mounts this run made; only those are undone at exit (another run, or
# qemu_table.py, may be using the ones it found).
made_mounts=""

bind_mounts() {
	for d in dev dev/pts proc sys; do
		mkdir -p "$root/$d"
		if ! mounted "$root/$d"; then
			mount --bind "/$d" "$root/$d"
			made_mounts="$d $made_mounts"
		fi
	done
}

unbind_mounts() {
	for d in $made_mounts; do
		if mounted "$root/$d"; then
			umount "$root/$d" || umount -l "$root/$d" || true
		fi
	done
}

chroot_qemu_version() {
	chroot "$root" qemu-system-x86_64 --version 2>/dev/null | sed -n '1s/^QEMU emulator version \([0-9.]*\).*/\1/p'
}

setup_chroot() {
	mirror=$(find_mirror)
	[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list*"
	if [ ! -x "$root/usr/bin/apt-get" ]; then
		if ! command -v debootstrap >/dev/null 2>&1; then
			say "installing debootstrap (apt-get)"
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap
		fi
		say "creating a Debian 13 (trixie) chroot in $root from $mirror (once; a few minutes)"
		mkdir -p "$root"
		keyring=/usr/share/keyrings/debian-archive-keyring.gpg
		[ -r "$keyring" ] || keyring=""
		debootstrap --variant=minbase ${keyring:+--keyring="$keyring"} trixie "$root" "$mirror" \
			> "$root.debootstrap.log" 2>&1 || {
			tail -n 20 "$root.debootstrap.log" >&2
			die "debootstrap failed (log: $root.debootstrap.log)"
		}
	else
		say "chroot $root already exists"
	fi
	say "pointing the chroot's apt at $mirror (trixie, trixie-backports)"
	cat > "$root/etc/apt/sources.list" <<EOF
deb $mirror trixie main
deb $mirror trixie-backports main
EOF
	bind_mounts
	say "installing qemu-system-x86 from trixie-backports in the chroot"
	chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends -t trixie-backports qemu-system-x86
	v=$(chroot_qemu_version)
	[ "$v" = "$want_version" ] || die "the chroot's QEMU is '$v', expected $want_version (is trixie-backports still at $want_version?)"
	echo "$v" > "$stamp"
	say "chroot ready: QEMU $v"
}

trap unbind_mounts EXIT INT TERM
if [ -f "$stamp" ] && [ -x "$root/usr/bin/qemu-system-x86_64" ]; then
	say "chroot $root is ready (QEMU $(cat "$stamp")); skipping setup"
	bind_mounts
else
	setup_chroot
fi
v=$(chroot_qemu_version)
[ "$v" = "$want_version" ] || die "the chroot's QEMU reports '$v', expected $want_version; remove $stamp to reinstall"
[ "$setup_only" -eq 0 ] || exit 0

cli="$builddir/cli/kvmcpu"
[ -x "$cli" ] || die "$cli not found; build first (make)"
say "comparing every model QEMU $v knows with kvmcpu on this host (2 QEMUs at a time)"
status=0
python3 "$here/qemu_conformance.py" --cli "$cli" \
	--qemu "chroot $root qemu-system-x86_64" --expect-version "$v" --expect-models 186 "$@" ||
	status=$?
say "the complete table of every vCPU, at -smp 1 and at the tested topologies"
python3 "$here/table_conformance.py" --cli "$cli" --qemu "$v" \
	--expect-version "$v" --expect-models 186 "$@" || status=$?
say "kvmcpu export: QEMU $v with the exported -cpu; libvirt's own -cpu for the same specs"
python3 "$here/../export/test_export_qemu.py" --cli "$cli" --qemu "$v" || status=$?
python3 "$here/../export/test_export_qemu.py" --cli "$cli" --qemu "$v" --via libvirt || status=$?
exit "$status"
