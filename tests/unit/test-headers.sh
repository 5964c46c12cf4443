#!/bin/sh
# SPDX-License-Identifier: MIT
# Every public header compiles on its own as C11, and the umbrella header as C++11.
set -u
src=${KVMCPU_SRCDIR:?}
fail=0 passed=0
for h in "$src"/include/kvmcpu/*.h; do
	name=$(basename "$h")
	if echo "#include <kvmcpu/$name>" | cc -std=c11 -Wall -Wextra -Werror -pedantic \
		-I"$src/include" -x c -fsyntax-only -; then
		passed=$((passed + 1))
	else
		echo "FAIL: kvmcpu/$name does not compile on its own"
		fail=$((fail + 1))
	fi
done
if command -v c++ >/dev/null; then
	if printf '#include <kvmcpu/kvmcpu.h>\nint main() { return kvmcpu_model_count() == 0; }\n' |
		c++ -std=c++11 -Wall -Wextra -Werror -pedantic -I"$src/include" -x c++ -fsyntax-only -; then
		passed=$((passed + 1))
	else
		echo "FAIL: kvmcpu/kvmcpu.h does not compile as C++11"
		fail=$((fail + 1))
	fi
else
	echo "SKIPPED (loudly): no C++ compiler; the C++ check of kvmcpu/kvmcpu.h did not run"
fi
echo "headers: $passed passed, $fail failed"
[ "$fail" -eq 0 ]
