# SPDX-License-Identifier: MIT
# A thin front over Meson: every rule of the build lives in meson.build.
BUILDDIR ?= build
ASANDIR ?= build-asan
COVDIR ?= build-cov
MESON ?= meson
V ?= 0
NINJA_V := $(if $(filter 1,$(V)),-v,)

.PHONY: all deps run test test-fast asan conformance bench regen install clean reconfigure fuzz \
	fuzz-run coverage lint

all: $(BUILDDIR)/build.ninja
	$(MESON) compile -C $(BUILDDIR) $(NINJA_V)

# Installs the Debian packages the build, the tests and the main job need (only the missing ones).
deps:
	@scripts/install-deps.sh

$(BUILDDIR)/build.ninja:
	@scripts/install-deps.sh
	$(MESON) setup $(BUILDDIR)

$(ASANDIR)/build.ninja:
	@scripts/install-deps.sh
	$(MESON) setup $(ASANDIR) --native-file build-dev.ini

# The main job: builds quietly (output in $(BUILDDIR)/make-run.log), then one screen about this
# host: how many models it runs unchanged, the default model's verdict, a model it runs, proven.
run:
	@scripts/main-job.sh $(BUILDDIR)

# Every suite, then the whole unit and cli suites once more under ASan+UBSan.
test: all $(ASANDIR)/build.ninja
	$(MESON) test -C $(BUILDDIR) --print-errorlogs --num-processes 2 --no-suite slow
	$(MESON) compile -C $(ASANDIR) $(NINJA_V)
	$(MESON) test -C $(ASANDIR) --print-errorlogs --num-processes 2 --no-suite slow --no-suite conformance
	@scripts/test-summary.py $(BUILDDIR) $(ASANDIR)

# The unit, cli, hv, kvm and fuzz suites built with ASan+UBSan (build-dev.ini), alone.
asan: $(ASANDIR)/build.ninja
	$(MESON) compile -C $(ASANDIR) $(NINJA_V)
	$(MESON) test -C $(ASANDIR) --print-errorlogs --num-processes 2 --no-suite slow --no-suite conformance

test-fast: all
	$(MESON) test -C $(BUILDDIR) --print-errorlogs --no-suite slow --no-suite conformance

# QEMU 11.1.3 conformance for every model name (sets up a Debian 13 chroot once; not part of test).
conformance: all
	@tests/conformance/run-newer.sh $(BUILDDIR)

bench: all
	$(MESON) test -C $(BUILDDIR) --benchmark --print-errorlogs --verbose

# Rewrites the generated table and docs from data/.
regen: all
	python3 tools/gen-models.py --write
	python3 tools/gen-libvirt-map.py --write src/export/libvirt-map.gen.c
	$(BUILDDIR)/tests/hv/hv-doc > docs/hyperv-enlightenments.md

install: all
	$(MESON) install -C $(BUILDDIR)

reconfigure:
	$(MESON) setup --reconfigure $(BUILDDIR)

# A gcov build of its own, the suites (no slow, no conformance), then line and branch
# coverage per folder of src/ (gcovr, installed here if missing).
coverage:
	@scripts/install-deps.sh gcovr
	[ -f $(COVDIR)/build.ninja ] || $(MESON) setup $(COVDIR) -Db_coverage=true --buildtype=debug
	find $(COVDIR) -name '*.gcda' -delete
	$(MESON) compile -C $(COVDIR) $(NINJA_V)
	-$(MESON) test -C $(COVDIR) --num-processes 2 --no-suite slow --no-suite conformance
	@scripts/coverage-summary.py . $(COVDIR)

# clang-tidy (.clang-tidy) and cppcheck (.cppcheck-suppressions) over src/ and cli/, and
# the one-way data flow of src/ (tools/check-layers.py). Fails on any finding.
lint: all
	@scripts/lint.sh $(BUILDDIR)

# libFuzzer binaries (clang); every normal build already compiles the targets and replays their corpora.
fuzz:
	@command -v clang >/dev/null || scripts/install-deps.sh clang
	[ -f build-fuzz/build.ninja ] || CC=clang $(MESON) setup build-fuzz -Dfuzz=true -Db_lundef=false
	$(MESON) compile -C build-fuzz

# Every libFuzzer target for FUZZ_SECONDS each (default 60), with its execution count.
FUZZ_SECONDS ?= 60
fuzz-run: fuzz
	fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILDDIR) $(ASANDIR) $(COVDIR) build-fuzz
