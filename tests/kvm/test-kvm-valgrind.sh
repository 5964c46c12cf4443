#!/bin/sh
# SPDX-License-Identifier: MIT
# A probe run (with calibration and an MSR read) under valgrind: no errors, no leaks.
set -u
cli=${KVMCPU_CLI:?KVMCPU_CLI is not set}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP: valgrind is not installed (apt-get install valgrind)"
	exit 77
fi
if ldd "$cli" 2>/dev/null | grep -q libasan || nm "$cli" 2>/dev/null | grep -q __asan_init; then
	echo "SKIP: this build uses AddressSanitizer, which valgrind cannot run"
	exit 77
fi
if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	echo "SKIP: needs a usable /dev/kvm"
	exit 77
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--log-file="$log" "$cli" run --cpu Skylake-Server --msr 0x10a >/dev/null
rc=$?
if [ $rc -ne 0 ]; then
	echo "FAIL: valgrind run exited $rc"
	cat "$log"
	exit 1
fi
grep -E "ERROR SUMMARY|definitely lost" "$log"
exit 0
