#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Prints one closing line over the meson test logs of the given build dirs:
'make test: N passed, N failed, N skipped'. Exits 1 when a test failed or none ran."""
import json
import os
import sys

passed = failed = skipped = 0
for builddir in sys.argv[1:]:
    path = os.path.join(builddir, "meson-logs", "testlog.json")
    if not os.path.exists(path):
        continue
    with open(path) as f:
        for line in f:
            result = json.loads(line)["result"]
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
print("make test: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
sys.exit(1 if failed or not passed else 0)
