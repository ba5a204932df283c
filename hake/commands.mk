# The user-facing commands: test, run, bench and the formatting checks.

JOBS ?= 2
SUBMAKE := $(MAKE) --no-print-directory -j$(JOBS)
# The format check covers the tracked sources (a scratch file of yours is not the project's);
# `make format` formats them and your untracked ones.
FORMAT_SOURCES = $(shell git ls-files --cached '*.c' '*.h' 2>/dev/null)
FORMAT_ALL_SOURCES = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null)

format-check:
	@bad=$$(for f in $(FORMAT_SOURCES); do clang-format --dry-run -Werror "$$f" >/dev/null 2>&1 \
		|| echo "$$f"; done); \
	if [ -n "$$bad" ]; then echo "format-check: not formatted as .clang-format says:"; \
		echo "$$bad" | sed 's/^/  /'; echo "format-check: run 'make format' to fix them"; exit 1; fi
	@echo "format-check: $(words $(FORMAT_SOURCES)) files clean"

format:
	@clang-format -i $(FORMAT_ALL_SOURCES)

# Device trees for the FDT reader's tests, compiled by dtc.
DTBS := $(patsubst tools/dts/%.dts,$(BUILD)/dtb/%.dtb,$(wildcard tools/dts/*.dts))
$(BUILD)/dtb/%.dtb: tools/dts/%.dts
	@mkdir -p $(@D)
	@echo "  DTC  $<"
	$(Q)dtc -q -I dts -O dtb -o $@ $<
all: $(DTBS)

# The host suites of every host target, the sanitizer builds included.
HOST_TEST_BINS = $(foreach t,$(TARGETS),$(foreach m,$(HOST_TESTS),$(if $(call builds,$(t),$(m)),$(BUILD)/$(t)/bin/$(m))))

# The booted suites, and the kernel image QEMU loads on each architecture.
QEMU_SUITES := x86_64 armv7
KERNEL_IMAGE.x86_64 := $(BUILD)/x86_64/bin/cpu.elf32
KERNEL_IMAGE.armv7 := $(BUILD)/armv7/bin/cpu
QEMU_TIMEOUT ?= 600

# The x86-64 suites again under other CPU models (the default is qemu64): max has SMEP, SMAP
# and 1 GiB pages, and gets 3 GiB so that a 1 GiB-aligned GiB of RAM exists below 4 GiB for
# CT604; Skylake-Client-v4 is an Intel model with SMEP and SMAP but no 1 GiB pages.
X86_CPU_MODELS := max Skylake-Client-v4
X86_CPU_MEM.max := 3G
# One booted round on arch $(1) under CPU model $(2) (empty: QEMU's default for the machine):
# captest, the fault reports and the attack suite, each logged as <suite>-<arch>[-<model>].log.
# A failing suite does not stop the others: tools/total-summary reads every log and fails the
# run for any failure, or for a log without its closing line; tools/run-suite adds a failure
# for a runner that failed although its test lines all passed (QEMU's status, the kernel's
# check).
BOOTED_SUITES := captest fault attack
booted_log = $(BUILD)/logs/$(1)-$(2)$(if $(3),-$(3)).log
booted_env = $(if $(2),QEMU_CPU=$(2) QEMU_MEM=$(or $(X86_CPU_MEM.$(2)),512M))
define booted_round
	echo "== captest on $(1)$(if $(2), -cpu $(2)) in QEMU" ; \
	$(booted_env) tools/run-suite captest-$(1)$(if $(2),-$(2)) tools/qemu-run $(1) $(KERNEL_IMAGE.$(1)) \
		$(BUILD)/$(1)/bin/captest $(QEMU_TIMEOUT) $(BUILD)/$(1)/bin/spawnchild \
		| tee $(call booted_log,captest,$(1),$(2)) ; \
	echo "== fault reports on $(1)$(if $(2), -cpu $(2)) in QEMU" ; \
	$(booted_env) tools/run-suite fault-$(1)$(if $(2),-$(2)) tools/check-fault-report $(1) $(KERNEL_IMAGE.$(1)) \
		$(BUILD)/$(1)/bin $(QEMU_TIMEOUT) | tee $(call booted_log,fault,$(1),$(2)) ; \
	echo "== attacks on $(1)$(if $(2), -cpu $(2)) in QEMU" ; \
	$(booted_env) tools/run-suite attack-$(1)$(if $(2),-$(2)) tools/run-attacks $(1) $(KERNEL_IMAGE.$(1)) \
		$(BUILD)/$(1)/bin $(QEMU_TIMEOUT) | tee $(call booted_log,attack,$(1),$(2))
endef
BOOTED_LOGS := $(foreach s,$(BOOTED_SUITES),\
	$(foreach a,$(QEMU_SUITES),$(call booted_log,$(s),$(a))) \
	$(foreach c,$(X86_CPU_MODELS),$(call booted_log,$(s),x86_64,$(c))))

# The booted soak (usr/tests/soak), under each architecture's default CPU only.
define soak_round
	echo "== soak on $(1) in QEMU" ; \
	tools/run-suite soak-$(1) tools/qemu-run $(1) $(KERNEL_IMAGE.$(1)) $(BUILD)/$(1)/bin/soak \
		$(QEMU_TIMEOUT) | tee $(call booted_log,soak,$(1))
endef
SOAK_LOGS := $(foreach a,$(QEMU_SUITES),$(call booted_log,soak,$(a)))

# make test: every stage runs whatever an earlier one did, then tools/total-summary prints the
# failures and the total. make test-host and make test-qemu [ARCH=...] run a part of it.
HOST_LOGS := $(BUILD)/logs/host.log $(BUILD)/logs/fuzz-replay.log $(BUILD)/logs/tools.log \
	$(BUILD)/logs/gdb-helpers.log
QEMU_LOGS.x86_64 := $(foreach s,$(BOOTED_SUITES),$(call booted_log,$(s),x86_64) \
	$(foreach c,$(X86_CPU_MODELS),$(call booted_log,$(s),x86_64,$(c)))) $(call booted_log,soak,x86_64)
QEMU_LOGS.armv7 := $(foreach s,$(BOOTED_SUITES),$(call booted_log,$(s),armv7)) \
	$(call booted_log,soak,armv7) $(BUILD)/logs/kfault-armv7.log
define host_stages
	tools/run-suite host tools/run-host-tests $(HOST_TEST_BINS) | tee $(BUILD)/logs/host.log ; \
	tools/run-suite fuzz-replay tools/run-fuzz-replay $(FUZZ_CORPUS) $(FUZZ_REPLAY_BINS) \
		| tee $(BUILD)/logs/fuzz-replay.log ; \
	echo "== the tools' own tests" ; tools/run-suite tools tools/test-tools | tee $(BUILD)/logs/tools.log ; \
	echo "== the gdb helpers, on both machines in QEMU" ; \
		tools/run-suite gdb-helpers tools/test-gdb-helpers | tee $(BUILD)/logs/gdb-helpers.log
endef
define qemu_stages.x86_64
	$(call booted_round,x86_64,) ; $(call soak_round,x86_64) ; \
	$(foreach c,$(X86_CPU_MODELS),$(call booted_round,x86_64,$(c)) ;) true
endef
define qemu_stages.armv7
	$(call booted_round,armv7,) ; $(call soak_round,armv7) ; \
	echo "== kernel-mode faults on armv7 in QEMU" ; \
	tools/run-suite kfault-armv7 tools/check-armv7-kernel-fault $(KERNEL_IMAGE.armv7) \
		$(BUILD)/armv7/bin/captest $(QEMU_TIMEOUT) | tee $(BUILD)/logs/kfault-armv7.log
endef

# Every suite's results as TAP and JUnit XML (tools/run-suite, tools/run-host-tests).
RESULTS_DIR := $(BUILD)/results
test test-host test-qemu: export RESULTS_DIR := $(RESULTS_DIR)
# The suites of make test run whole: a TESTS selection is for make run and make debug.
test test-host test-qemu: export override TESTS :=

.PHONY: test test-host test-qemu
test: setup
	@$(SUBMAKE) format-check
	@$(SUBMAKE) all
	@mkdir -p $(BUILD)/logs
	@rm -rf $(HOST_LOGS) $(foreach a,$(QEMU_SUITES),$(QEMU_LOGS.$(a))) $(RESULTS_DIR)
	@$(host_stages) ; true
	@$(foreach a,$(QEMU_SUITES),$(qemu_stages.$(a)) ; ) true
	@tools/total-summary $(HOST_LOGS) $(foreach a,$(QEMU_SUITES),$(QEMU_LOGS.$(a)))

test-host: setup
	@$(SUBMAKE) all
	@mkdir -p $(BUILD)/logs
	@rm -f $(HOST_LOGS)
	@$(host_stages) ; true
	@tools/total-summary $(HOST_LOGS)

test-qemu: setup check-arch
	@$(SUBMAKE) all
	@mkdir -p $(BUILD)/logs
	@rm -f $(QEMU_LOGS.$(ARCH))
	@$(qemu_stages.$(ARCH)) ; true
	@tools/total-summary $(QEMU_LOGS.$(ARCH))

# make soak: the long soak on the host (SOAK_OPS operations in phases of SOAK_PHASE_OPS; figures
# in doc/soak.md); Check's timeout grows with SOAK_OPS.
SOAK_OPS ?= 10000000
SOAK_PHASE_OPS ?= 100000
SOAK_CHECK_EVERY ?= 1000
soak: setup
	@$(SUBMAKE) $(BUILD)/host-x86_64/bin/soak_check
	@SOAK_OPS=$(SOAK_OPS) SOAK_PHASE_OPS=$(SOAK_PHASE_OPS) SOAK_CHECK_EVERY=$(SOAK_CHECK_EVERY) \
		CK_VERBOSITY=normal $(BUILD)/host-x86_64/bin/soak_check

# make mutate [MUTANTS=id1,id2]: do the suites catch the bugs of tools/mutants.list? Niced: it
# rebuilds and reruns suites for every mutant (doc/testing.md).
.PHONY: mutate
mutate: setup
	@nice -n 19 tools/mutate

# make run [ARCH=x86_64] [DOMAIN=demo] [BOOT_MODULES="a b"] [TESTS="CT1* CT602"]: boot a domain
# as init in QEMU, with more domains in the boot image that init can spawn (doc/build.md); a
# suite built on libtest runs only the tests TESTS picks.
ARCH ?= x86_64
DOMAIN ?= demo
GDB_PORT ?= 1234
BOOT_MODULES ?= $(if $(filter demo,$(DOMAIN)),demochild)
MODULE_FILES = $(addprefix $(BUILD)/$(ARCH)/bin/,$(BOOT_MODULES))
# The domains of an architecture: the programs its target builds, the kernel aside.
domains_of = $(sort $(filter-out cpu,$(foreach m,$(PROGRAMS),$(if $(call builds,$(1),$(m)),$(m)))))

.PHONY: check-arch check-domain help
check-arch:
	@$(if $(filter $(ARCH),$(QEMU_SUITES)),true,echo "make: ARCH=$(ARCH) is not a machine here; \
		ARCH is one of: $(QEMU_SUITES)" >&2; exit 2)
check-domain: check-arch
	@$(if $(filter $(DOMAIN),$(call domains_of,$(ARCH))),true,echo "make: DOMAIN=$(DOMAIN) is no \
		domain built for $(ARCH); DOMAIN is one of: $(call domains_of,$(ARCH))" >&2; exit 2)
	@$(foreach m,$(BOOT_MODULES),$(if $(filter $(m),$(call domains_of,$(ARCH))),,echo "make: \
		BOOT_MODULES names $(m), no domain built for $(ARCH)" >&2; exit 2;)) true

run: setup check-domain
	@$(SUBMAKE) $(KERNEL_IMAGE.$(ARCH)) $(BUILD)/$(ARCH)/bin/$(DOMAIN) $(MODULE_FILES)
	@TESTS="$(TESTS)" tools/qemu-run $(ARCH) $(KERNEL_IMAGE.$(ARCH)) $(BUILD)/$(ARCH)/bin/$(DOMAIN) \
		$(QEMU_TIMEOUT) $(MODULE_FILES)

# The hosted demo: the same kernel inside a Linux process, on either page-table format.
run-host: setup check-arch
	@$(SUBMAKE) $(BUILD)/host-$(ARCH)/bin/hostdemo
	@$(BUILD)/host-$(ARCH)/bin/hostdemo

# make debug: QEMU waits for gdb on GDB_PORT; `gdb-multiarch -x build/<arch>/gdbinit` loads both
# images, the helpers of tools/gdb/pmap.py (cap, cspace, mdb, shadow, ptables: doc/debugging.md)
# and connects.
debug: setup check-domain
	@$(SUBMAKE) $(KERNEL_IMAGE.$(ARCH)) $(BUILD)/$(ARCH)/bin/$(DOMAIN) $(MODULE_FILES)
	@printf 'file %s\nadd-symbol-file %s\nsource tools/gdb/pmap.py\ntarget remote :%s\n' \
		$(BUILD)/$(ARCH)/bin/cpu $(BUILD)/$(ARCH)/bin/$(DOMAIN) $(GDB_PORT) > $(BUILD)/$(ARCH)/gdbinit
	@echo "debug: QEMU waits for gdb on port $(GDB_PORT); in another terminal: gdb-multiarch -x $(BUILD)/$(ARCH)/gdbinit"
	@TESTS="$(TESTS)" QEMU_EXTRA="-S -gdb tcp::$(GDB_PORT)" tools/qemu-run $(ARCH) \
		$(KERNEL_IMAGE.$(ARCH)) $(BUILD)/$(ARCH)/bin/$(DOMAIN) 0 $(MODULE_FILES)

help:
	@echo "Targets:"
	@echo "  make run [ARCH=] [DOMAIN=] [BOOT_MODULES=] [TESTS=]  boot a domain as init in QEMU"
	@echo "  make debug [same variables] [GDB_PORT=1234]          the same, waiting for gdb"
	@echo "  make run-host [ARCH=]        the hosted demo: the kernel inside a Linux process"
	@echo "  make test                    every suite (host, tools, both QEMU machines), then the total"
	@echo "  make test-host               the host suites, the fuzz corpus replay, the tools' and gdb"
	@echo "                               helpers' tests"
	@echo "  make test-qemu [ARCH=]       the booted suites of one machine"
	@echo "  make bench                   benchmarks; writes doc/performance.md's tables and"
	@echo "                               build/results/bench.{csv,json}; make plots draws them"
	@echo "  make soak | fuzz | mutate | coverage | format | format-check | all | clean"
	@echo "Architectures (ARCH, default x86_64): $(QEMU_SUITES)"
	@$(foreach a,$(QEMU_SUITES),echo "Domains on $(a) (DOMAIN, default demo): $(call domains_of,$(a))" ;) true
	@echo "Variables: QEMU_TIMEOUT=$(QEMU_TIMEOUT) (seconds a boot may take), TESTS (IDs or patterns"
	@echo "  with * and ?, e.g. TESTS='CT1* CT602'), CK_RUN_SUITE / CK_RUN_CASE (one Check suite or"
	@echo "  case of the host binaries), JOBS=$(JOBS), V=1 (show commands), QEMU_EXTRA (more QEMU options)"

# Each benchmark runs natively (time, and instructions where perf counters
# exist), then under callgrind for exact instruction counts; then the guest
# benchmark boots in QEMU (TCG with -icount: deterministic), and Debian's Linux
# boots on the same machine with the same flags to measure its counterparts
# (tools/linux-guest: the kernel packages are fetched once into build/linux-guest);
# tools/guest-vs-linux prints the two side by side. Both boot without the host's
# random seed (QEMU_NO_SEED), so the counts repeat exactly. linuxbench's native
# nanoseconds stay as a printout of their own: time on the host, not a ratio. Every output goes
# to build/logs too, and tools/bench-doc writes doc/performance.md's tables from those logs.
BENCH_TARGET := host-x86_64
GUEST_ICOUNT := -icount shift=0,sleep=off
bench:
	@tools/setup --bench
	@tools/bench-doc --record $(BUILD)/logs
	@$(SUBMAKE) $(foreach m,$(BENCHMARKS),$(BUILD)/$(BENCH_TARGET)/bin/$(m)) \
		$(BUILD)/host-armv7/bin/pmapbench $(BUILD)/host-x86_64/bin/linuxbench \
		$(foreach a,$(QEMU_SUITES),$(KERNEL_IMAGE.$(a)) $(BUILD)/$(a)/bin/guestbench \
			$(BUILD)/$(a)/bin/selfpagebench $(BUILD)/$(a)/bin/selfpagechild)
	@mkdir -p $(BUILD)/logs
	@for b in $(BENCHMARKS); do \
		$(BUILD)/$(BENCH_TARGET)/bin/$$b > $(BUILD)/logs/$$b.log; s=$$?; \
		cat $(BUILD)/logs/$$b.log; [ $$s -eq 0 ] || exit 1; \
		tools/callgrind-ops $(BUILD)/$(BENCH_TARGET)/bin/$$b > $(BUILD)/logs/$$b-callgrind.log; \
		s=$$?; cat $(BUILD)/logs/$$b-callgrind.log; [ $$s -eq 0 ] || exit 1; done
	@echo "pmapbench on the ARMv7 page-table format (host-armv7), instructions only:" && \
		tools/callgrind-ops $(BUILD)/host-armv7/bin/pmapbench \
		| tee $(BUILD)/logs/pmapbench-armv7-callgrind.log
	@$(foreach a,$(QEMU_SUITES),\
		echo "guestbench on $(a): QEMU TCG with $(GUEST_ICOUNT): one instruction per virtual ns" && \
		QEMU_NO_SEED=1 QEMU_EXTRA="$(GUEST_ICOUNT)" tools/qemu-run $(a) $(KERNEL_IMAGE.$(a)) \
			$(BUILD)/$(a)/bin/guestbench 600 | tee $(BUILD)/logs/guestbench-$(a).log && ) true
	@$(foreach a,$(QEMU_SUITES),echo "selfpagebench on $(a): the Appel-Li benchmark, same flags" && \
		QEMU_NO_SEED=1 QEMU_EXTRA="$(GUEST_ICOUNT)" tools/qemu-run $(a) $(KERNEL_IMAGE.$(a)) \
			$(BUILD)/$(a)/bin/selfpagebench 600 $(BUILD)/$(a)/bin/selfpagechild \
			| tee $(BUILD)/logs/selfpagebench-$(a).log && \
		! grep -q FAILED $(BUILD)/logs/selfpagebench-$(a).log && \
		grep -q '^selfpagebench: done' $(BUILD)/logs/selfpagebench-$(a).log && ) true
	@$(foreach a,$(QEMU_SUITES),\
		echo "linuxguest on $(a): Debian's Linux on the same machine with $(GUEST_ICOUNT)" && \
		BUILD=$(BUILD) QEMU_EXTRA="$(GUEST_ICOUNT)" tools/linux-guest $(a) 600 \
			| tee $(BUILD)/logs/linuxguest-$(a).log && ) true
	@$(BUILD)/host-x86_64/bin/linuxbench > $(BUILD)/logs/linuxbench.log; \
		status=$$?; cat $(BUILD)/logs/linuxbench.log; exit $$status
	@$(foreach a,$(QEMU_SUITES),echo && tools/guest-vs-linux $(a) \
		$(BUILD)/logs/guestbench-$(a).log $(BUILD)/logs/selfpagebench-$(a).log \
		$(BUILD)/logs/linuxguest-$(a).log && ) true
	@tools/bench-doc $(BUILD)/logs doc/performance.md
	@tools/bench-data $(BUILD)/logs $(BUILD)/results

# make plots: the last make bench run's figures as pictures (doc/images/perf-*.png, shown in
# doc/performance.md): cost per operation against live capabilities and mappings, and ours
# beside Linux per architecture (tools/bench-plots, gnuplot).
.PHONY: plots
plots: setup
	@tools/bench-data $(BUILD)/logs $(BUILD)/results
	@tools/bench-plots $(BUILD)/results doc/images

# make fuzz [ARCH=armv7] [FUZZ_ARGS="--steps 5000"] [FUZZ_SEED=s]: the model-based kernel fuzzer
# on new seeds until stopped, or one seed replayed (doc/fuzzing.md).
.PHONY: fuzz
fuzz: setup
	@$(SUBMAKE) $(BUILD)/host-$(ARCH)/bin/kfuzz
	@$(BUILD)/host-$(ARCH)/bin/kfuzz $(FUZZ_ARGS)

# make coverage: the host suites built with gcov (build/<host target>-cov, apart from the normal
# builds) and run on both page-table formats at once; tools/coverage-report prints line coverage
# of COVERAGE_DIRS per folder and file, with every uncovered line and its reason, writes the same
# into doc/coverage.md, and fails if a folder is below COVERAGE_MIN percent. Unoptimised code
# is slower: Check's timeouts are stretched, and libpmap's random sequences run 16 rounds.
COVERAGE_DIRS := kernel/cpu lib/libcap lib/libpmap lib/libspawn lib/libvspace
COVERAGE_MIN ?= 90
COVERAGE_SUITES := caps_check pmap_check spawn_check vspace_check
COVERAGE_ENV := CK_TIMEOUT_MULTIPLIER=10 PMAP_ROUNDS=16
cov_bins = $(foreach m,$(COVERAGE_SUITES),$(BUILD)/$(1)/bin/$(m))
.PHONY: coverage
coverage: setup
	@$(SUBMAKE) TARGETS="$(COV_TARGETS)" $(foreach t,$(COV_TARGETS),$(call cov_bins,$(t))) $(DTBS)
	@find $(addprefix $(BUILD)/,$(COV_TARGETS)) -name '*.gcda' -delete
	@mkdir -p $(BUILD)/logs
	@$(foreach t,$(COV_TARGETS),$(COVERAGE_ENV) tools/run-host-tests $(call cov_bins,$(t)) \
		>$(BUILD)/logs/coverage-$(t).log 2>&1 & ) wait
	@status=0; for t in $(COV_TARGETS); do grep -E '^(== |[0-9]+%: |host: |failing: )' \
		$(BUILD)/logs/coverage-$$t.log; tail -n 1 $(BUILD)/logs/coverage-$$t.log | \
		grep -q ' 0 failed$$' || status=1; done; \
		tools/coverage-report --min $(COVERAGE_MIN) --doc doc/coverage.md $(COVERAGE_DIRS) \
		-- $(addprefix $(BUILD)/,$(COV_TARGETS)) || status=1; exit $$status
