# SPDX-License-Identifier: MIT
"""kvmcpu matrix: the SVG is well-formed XML, and the HTML page, opened in Debian's headless
Chromium, loads with no console error and shows the expected cells; a screenshot is kept
in the build directory (matrix.png).

Expected cells come from the processors: Skylake-SP lacks AVX512_VBMI (first in Ice Lake),
so Icelake-Server-v1 is red on it, with avx512vbmi in the tooltip, and green on Ice Lake-SP.

Chromium is installed by this test's own setup (scripts/install-deps.sh chromium) when it
is missing and the test runs as root; otherwise the browser part is SKIPPED, loudly.
"""
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

from kvmcpu_test import SRCDIR, HOSTS, Checker, run

SKX = os.path.join(HOSTS, "intel-skylake-server.txt")
ICX = os.path.join(HOSTS, "intel-icelake-server.txt")
ROME = os.path.join(HOSTS, "amd-epyc-rome.txt")
BUILD = os.environ.get("KVMCPU_BUILDDIR", os.path.join(SRCDIR, "build"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium():
    path = shutil.which("chromium")
    if path or os.geteuid() != 0 or os.environ.get("KVMCPU_NO_INSTALL"):
        return path
    print("test_matrix: installing chromium (scripts/install-deps.sh chromium)", flush=True)
    subprocess.run([os.path.join(SRCDIR, "scripts", "install-deps.sh"), "chromium"], timeout=1500)
    return shutil.which("chromium")


def browse(browser, page, *extra):
    """Chromium on @page with a fresh profile: (exit, stdout, console lines)."""
    with tempfile.TemporaryDirectory() as profile:
        p = subprocess.run([browser, *FLAGS, "--user-data-dir=" + profile, "--enable-logging=stderr",
                            "--v=0", *extra, "file://" + page],
                           capture_output=True, text=True, timeout=180)
    console = [l for l in p.stderr.splitlines() if "CONSOLE" in l or "Uncaught" in l]
    return p.returncode, p.stdout, console


def cells(dom):
    """{(model, group): (class, title)} of the matrix table in @dom."""
    out = {}
    for m in re.finditer(r'<td class="(yes|no)" data-model="([^"]+)" data-group="(\d+)" title="([^"]*)"', dom):
        out[(m.group(2), int(m.group(3)))] = (m.group(1), m.group(4))
    return out


def main():
    c = Checker("matrix")
    with tempfile.TemporaryDirectory() as d:
        svg, html = os.path.join(d, "m.svg"), os.path.join(d, "m.html")
        rc, _, err = run("matrix", "--svg", svg, SKX, ICX, ROME)
        c.eq(rc, 0, "matrix --svg exit (%s)" % err)
        root = ET.parse(svg).getroot()
        titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
        c.check(any(t.startswith("Icelake-Server-v1: ") and "avx512vbmi" in t for t in titles),
                "SVG tooltip of Icelake-Server-v1 names avx512vbmi")
        rc, _, err = run("matrix", "--html", html, SKX, ICX, ROME)
        c.eq(rc, 0, "matrix --html exit (%s)" % err)
        with open(html) as f:
            page = f.read()
        c.check("http://" not in page and "https://" not in page and "<script" not in page,
                "the page is self-contained")
        groups = re.findall(r'<th class="host" title="[^"]*">([^<]*)</th>', page)
        gi = {g.split(" +")[0]: i for i, g in enumerate(groups)}
        rows = re.findall(r'<th class="model">([^<]*)</th>', page)
        c.check(rows.index("Skylake-Server-v1") < rows.index("Icelake-Server-v1") <
                rows.index("SapphireRapids-v1"), "models ordered by generation")
        rc, _, err = run("matrix", "--html", html, "--svg", svg, SKX)
        c.check(rc == 2 and "one of --svg" in err, "--svg and --html together")
        rc, _, err = run("matrix", SKX)
        c.check(rc == 2, "matrix without an output")
        browser = chromium()
        if not browser:
            print("SKIPPED (loudly): chromium is not installed and could not be installed here; "
                  "the HTML page was not opened in a browser")
            c.finish()
        rc, dom, console = browse(browser, html, "--dump-dom")
        c.check(rc == 0 and "<table>" in dom, "chromium loads the page: %d" % rc)
        c.check(not console, "no console message: %s" % console[:3])
        got = cells(dom)
        skx, icx = gi.get(SKX), gi.get(ICX)
        c.check(got.get(("Icelake-Server-v1", skx), ("", ""))[0] == "no" and
                "avx512vbmi" in got.get(("Icelake-Server-v1", skx), ("", ""))[1],
                "Icelake-Server-v1 red on Skylake-SP with avx512vbmi in its tooltip")
        c.check(got.get(("Icelake-Server-v1", icx), ("", ""))[0] == "yes",
                "Icelake-Server-v1 green on Ice Lake-SP")
        c.check(got.get(("Skylake-Server-v1", skx), ("", ""))[0] == "yes",
                "Skylake-Server-v1 green on Skylake-SP")
        shot = os.path.join(BUILD, "matrix.png")
        rc, _, _ = browse(browser, html, "--screenshot=" + shot, "--window-size=1600,1400")
        c.check(rc == 0 and os.path.getsize(shot) > 1000 if os.path.exists(shot) else False,
                "screenshot kept at %s" % shot)
        # The console check can fail: a page that logs an error is caught.
        bad = os.path.join(d, "bad.html")
        with open(bad, "w") as f:
            f.write("<!DOCTYPE html><html><body><script>console.error('boom')</script></body></html>")
        _, _, console = browse(browser, bad, "--dump-dom")
        c.check(any("boom" in l for l in console), "a console error is seen: %s" % console)
    c.finish()


if __name__ == "__main__":
    main()
