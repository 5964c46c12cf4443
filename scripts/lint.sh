#!/bin/sh
# SPDX-License-Identifier: MIT
# make lint: clang-tidy (.clang-tidy), cppcheck (.cppcheck-suppressions), clang-format
# (.clang-format) and the one-way data flow of src/ (tools/check-layers.py).
# Every finding fails; each tool says why.
# usage: scripts/lint.sh BUILDDIR
set -u
build=${1:-build}
cd "$(dirname "$0")/.." || exit 2
command -v clang-tidy >/dev/null && command -v cppcheck >/dev/null &&
	command -v clang-format >/dev/null ||
	scripts/install-deps.sh clang-tidy cppcheck clang-format
fail=0
files=$(git ls-files 'src/*.c' 'cli/*.c' | grep -v '\.gen\.c$')

echo "lint: clang-tidy over $(echo "$files" | wc -w) files"
# shellcheck disable=SC2086
printf '%s\n' $files | xargs -P 2 -n 8 clang-tidy -p "$build" --quiet 2>/dev/null >"$build/clang-tidy.log"
if grep -q 'warning:\|error:' "$build/clang-tidy.log"; then
	grep -A3 'warning:\|error:' "$build/clang-tidy.log"
	echo "lint: clang-tidy: $(grep -c 'warning:\|error:' "$build/clang-tidy.log") findings"
	fail=1
fi

echo "lint: cppcheck"
cppcheck --quiet --enable=warning,performance,portability --std=c11 -D_GNU_SOURCE \
	-Iinclude -Isrc -I"$build" --inline-suppr --suppressions-list=.cppcheck-suppressions \
	--error-exitcode=1 src cli || fail=1

echo "lint: clang-format (.clang-format; generated files keep their generator's layout)"
# shellcheck disable=SC2046
if ! clang-format --dry-run --Werror $(git ls-files '*.c' '*.h' | grep -v '\.gen\.') 2>"$build/clang-format.log"; then
	grep 'error:' "$build/clang-format.log" | head -20
	echo "lint: clang-format: $(grep -c 'error:' "$build/clang-format.log") lines differ; run clang-format -i on those files"
	fail=1
fi

echo "lint: layers"
python3 tools/check-layers.py . "$build" || fail=1

[ "$fail" -eq 0 ] && echo "lint: clean"
exit "$fail"
