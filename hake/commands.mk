# The user-facing commands: test, run, bench and the formatting checks.

JOBS ?= 2
SUBMAKE := $(MAKE) --no-print-directory -j$(JOBS)
FORMAT_SOURCES = $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null)

format-check:
	@clang-format --dry-run -Werror $(FORMAT_SOURCES)
	@echo "format-check: $(words $(FORMAT_SOURCES)) files clean"

format:
	@clang-format -i $(FORMAT_SOURCES)

# The host suites of every host target, the sanitizer builds included.
HOST_TEST_BINS = $(foreach t,$(TARGETS),$(foreach m,$(HOST_TESTS),$(if $(call builds,$(t),$(m)),$(BUILD)/$(t)/bin/$(m))))

# The booted suites: kernel image and domain per architecture.
QEMU_SUITES := x86_64
x86_64.kernel_image := $(BUILD)/x86_64/bin/cpu.elf32
QEMU_TIMEOUT ?= 600

test: setup
	@$(SUBMAKE) format-check
	@$(SUBMAKE) all
	@mkdir -p $(BUILD)/logs
	@tools/run-host-tests $(HOST_TEST_BINS) | tee $(BUILD)/logs/host.log
	@for a in $(QEMU_SUITES); do \
		echo "== captest on $$a in QEMU"; \
		tools/qemu-run $$a $(BUILD)/$$a/bin/cpu.elf32 $(BUILD)/$$a/bin/captest $(QEMU_TIMEOUT) \
			| tee $(BUILD)/logs/captest-$$a.log || exit 1; \
	done
	@tools/total-summary $(BUILD)/logs/host.log $(foreach a,$(QEMU_SUITES),$(BUILD)/logs/captest-$(a).log)

run: setup
	@$(SUBMAKE) $(BUILD)/host-x86_64/bin/hostdemo
	@$(BUILD)/host-x86_64/bin/hostdemo

# Each benchmark runs natively (time, and instructions where perf counters
# exist), then under callgrind for exact instruction counts.
BENCH_TARGET := host-x86_64
bench: setup
	@$(SUBMAKE) $(foreach m,$(BENCHMARKS),$(BUILD)/$(BENCH_TARGET)/bin/$(m))
	@for b in $(BENCHMARKS); do $(BUILD)/$(BENCH_TARGET)/bin/$$b || exit 1; \
		tools/callgrind-ops $(BUILD)/$(BENCH_TARGET)/bin/$$b || exit 1; done
