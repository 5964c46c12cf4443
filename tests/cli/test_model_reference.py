#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every model, on a host that has everything, gives exactly its reference definition."""
import os
import tempfile

import reference
from kvmcpu_test import Checker, run_json


def main():
    c = Checker("model-reference")
    with tempfile.TemporaryDirectory() as tmp:
        host = os.path.join(tmp, "all-ones.txt")
        with open(host, "w") as f:
            f.write(reference.all_ones_host_text())
        for name in reference.model_names():
            got = run_json("cpuid", "--cpu", name, "--host", host)
            want = reference.expected_words(name)
            # Read back from the table itself, not from the resolver's word list.
            for w, value in reference.words_from_entries(got).items():
                if w in reference.DERIVED:
                    continue
                c.eq(value, want.get(w, 0), "%s %s" % (name, w))
            vendor, family, model, stepping, brand = reference.identity(name)
            entries = {(e["function"], e["index"]): e for e in got["entries"]}
            leaf0 = entries[(0, 0)]
            regs = b"".join(leaf0[r].to_bytes(4, "little") for r in ("ebx", "edx", "ecx"))
            c.eq(regs.decode(), vendor, "%s vendor" % name)
            xlevel = entries[(0x80000000, 0)]["eax"] if (0x80000000, 0) in entries else 0
            if xlevel >= 0x80000004:
                brand_bytes = b"".join(entries[(0x80000002 + i, 0)][r].to_bytes(4, "little")
                                       for i in range(3) for r in ("eax", "ebx", "ecx", "edx"))
                c.eq(brand_bytes.rstrip(b"\0").decode(), brand, "%s brand" % name)
            else:
                # Models whose xlevel stops short of the brand leaves (486, pentium...).
                c.check((0x80000002, 0) not in entries, "%s: brand leaf past xlevel" % name)
            eax = entries[(1, 0)]["eax"]
            fam = (eax >> 8) & 0xF
            if fam == 0xF:
                fam += (eax >> 20) & 0xFF
            c.eq((fam, ((eax >> 16) & 0xF) << 4 | (eax >> 4) & 0xF, eax & 0xF),
                 (family, model, stepping), "%s family/model/stepping" % name)
    c.finish()


if __name__ == "__main__":
    main()
