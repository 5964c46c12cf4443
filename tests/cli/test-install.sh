#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs into a scratch root and builds the README's example against the installed
# headers with pkg-config, shared and static; then runs both.
set -eu
build=${KVMCPU_BUILDDIR:?}
src=${KVMCPU_SRCDIR:?}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
meson install -C "$build" --destdir "$root" --no-rebuild --quiet >/dev/null
prefix=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
pc=$(find "$root" -name kvmcpu.pc | head -n 1)
[ -n "$pc" ] || { echo "FAIL: kvmcpu.pc not installed"; exit 1; }
for f in kvmcpu.h error.h host.h model.h config.h result.h hv.h vm.h probe.h; do
	[ -f "$root$prefix/include/kvmcpu/$f" ] || { echo "FAIL: include/kvmcpu/$f not installed"; exit 1; }
done
[ -x "$root$prefix/bin/kvmcpu" ] || { echo "FAIL: kvmcpu not installed"; exit 1; }
man=$(find "$root" -name kvmcpu.1 | head -n 1)
[ -n "$man" ] || { echo "FAIL: man page not installed"; exit 1; }
# The documentation under share/doc/kvmcpu, and the man page names that directory.
doc="$prefix/share/doc/kvmcpu"
for f in README.md host-format.md cli-json.md resolution.md hyperv-enlightenments.md \
	schema/kvmcpu-cpuid.schema.json schema/kvmcpu-host.schema.json; do
	[ -f "$root$doc/$f" ] || { echo "FAIL: $doc/$f not installed"; exit 1; }
done
grep -q -- "$doc" "$man" || { echo "FAIL: the man page does not point to $doc"; exit 1; }
if grep -q '@[A-Z]*DIR@' "$man"; then echo "FAIL: unsubstituted placeholder in the man page"; exit 1; fi
# Shell completion where bash-completion and zsh look under the prefix.
[ -f "$root$prefix/share/bash-completion/completions/kvmcpu" ] || { echo "FAIL: bash completion not installed"; exit 1; }
[ -f "$root$prefix/share/zsh/site-functions/_kvmcpu" ] || { echo "FAIL: zsh completion not installed"; exit 1; }
bash -c '. "$1" && complete -p kvmcpu' sh "$root$prefix/share/bash-completion/completions/kvmcpu" >/dev/null \
	|| { echo "FAIL: the installed bash completion does not register for kvmcpu"; exit 1; }
# A sanitized build's library needs its consumers linked with the same runtime.
sanitize=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="b_sanitize"][0])')
extra=""
[ "$sanitize" = none ] || extra="-fsanitize=$sanitize"
# A gcov build's (make coverage) library needs libgcov the same way.
coverage=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="b_coverage"][0])')
[ "$coverage" != True ] || extra="$extra --coverage"
export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$root"
# With the sysroot set, pkg-config already prefixes paths with the scratch root.
libdir=$(pkg-config --variable=libdir kvmcpu)
cc -std=c11 -Wall -Wextra -Werror $extra $(pkg-config --cflags kvmcpu) "$src/examples/resolve.c" \
	-L"$libdir" -lkvmcpu -o "$root/shared-example"
cc -std=c11 -Wall -Wextra -Werror $extra $(pkg-config --cflags kvmcpu) "$src/examples/resolve.c" \
	"$libdir/libkvmcpu.a" -o "$root/static-example"
host="$src/tests/hosts/intel-skylake-server.txt"
LD_LIBRARY_PATH="$libdir" "$root/shared-example" cpu=Skylake-Server-v4 "$host" | grep -q '^00000001.0: 00050654' \
	|| { echo "FAIL: shared example output"; exit 1; }
"$root/static-example" cpu=Skylake-Server-v4 "$host" | grep -q '^00000001.0: 00050654' \
	|| { echo "FAIL: static example output"; exit 1; }
# Only the public API is exported from the shared library.
if nm -D --defined-only "$libdir/libkvmcpu.so" | awk '{print $3}' | grep -v '^kvmcpu_' | grep -v '^KVMCPU_' | grep -q .; then
	echo "FAIL: non-API symbols exported:"; nm -D --defined-only "$libdir/libkvmcpu.so" | grep -v ' kvmcpu_'; exit 1
fi
echo "install: 10 passed, 0 failed"
