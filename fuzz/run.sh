#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every libFuzzer target of BUILDDIR (make fuzz) for SECONDS each, from a scratch copy
# of its seeds so that the checked-in corpora stay small, and prints each target's execution
# count. A target that finds a crash or a broken check fails the run; its input is kept.
#   fuzz/run.sh build-fuzz 60
set -eu
builddir=${1:-build-fuzz}
seconds=${2:-60}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/kvmcpu-fuzz.XXXXXX")
status=0
summary=""
for exe in "$builddir"/fuzz/fuzz-*-libfuzzer; do
	name=${exe##*/fuzz-}
	name=${name%-libfuzzer}
	mkdir -p "$work/$name/corpus" "$work/$name/crashes"
	case $name in
	host | resolve) seeds="$src/fuzz/host/corpus $src/tests/hosts" ;;
	*) seeds="$src/fuzz/$name/corpus" ;;
	esac
	for s in $seeds; do
		find "$s" -maxdepth 1 -type f ! -name '*.md' -exec cp {} "$work/$name/corpus/" \;
	done
	log="$work/$name.log"
	if "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$work/$name/crashes/" "$work/$name/corpus" >"$log" 2>&1; then
		result=ok
	else
		result="FAILED (inputs in $work/$name/crashes, log $log)"
		status=1
		tail -n 30 "$log" >&2
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	line=$(printf '%-12s %10s runs in %ss  %s' "$name" "${runs:-?}" "$seconds" "$result")
	echo "$line"
	summary="$summary$line
"
done
echo "---"
printf '%s' "$summary"
[ $status -ne 0 ] || rm -rf "$work"
exit $status
