# The build targets: which platform (machine model) and arch (page-table format) each one is.
#
# A target is <platform>-<arch> for the hosted kernel, or a bare arch for a
# real boot. Sanitizer variants build the same sources with ASan and UBSan.

HOST_TARGETS := host-x86_64 host-armv7
SAN_TARGETS := $(addsuffix -san,$(HOST_TARGETS))
CROSS_TARGETS := x86_64 armv7
TARGETS ?= $(HOST_TARGETS) $(SAN_TARGETS) $(CROSS_TARGETS)
# Coverage builds (gcov) are not part of `all`: `make coverage` builds them with TARGETS set to these.
COV_TARGETS := $(addsuffix -cov,$(HOST_TARGETS))

host-x86_64.platform := host
host-x86_64.arch := x86_64
host-armv7.platform := host
host-armv7.arch := armv7
host-x86_64-san.platform := host
host-x86_64-san.arch := x86_64
host-armv7-san.platform := host
host-armv7-san.arch := armv7
host-x86_64-cov.platform := host
host-x86_64-cov.arch := x86_64
host-armv7-cov.platform := host
host-armv7-cov.arch := armv7
x86_64.platform := pc
x86_64.arch := x86_64
armv7.platform := virt
armv7.arch := armv7

TRACE_FLAGS := -DKERNEL_TRACE_REFUSALS
HOST_CC ?= gcc
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
HOST_CFLAGS := -std=c11 -O2 -g $(WARNINGS) -D_GNU_SOURCE $(if $(TRACE),-DKERNEL_TRACE_REFUSALS)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

$(foreach t,$(HOST_TARGETS),$(eval $(t).cc := $(HOST_CC)))
$(foreach t,$(HOST_TARGETS),$(eval $(t).cflags := $(HOST_CFLAGS)))
$(foreach t,$(HOST_TARGETS),$(eval $(t).ldflags :=))
$(foreach t,$(SAN_TARGETS),$(eval $(t).cc := $(HOST_CC)))
# The sanitizer builds also trace refused invocations (see kernel/cpu/include/trace.h);
# `make clean; make TRACE=1 ...` turns tracing on everywhere.
$(foreach t,$(SAN_TARGETS),$(eval $(t).cflags := $(HOST_CFLAGS) -O1 $(SAN_FLAGS) $(TRACE_FLAGS)))
$(foreach t,$(SAN_TARGETS),$(eval $(t).ldflags := $(SAN_FLAGS)))
# Unoptimised, so that each line gcov counts is the line that ran.
$(foreach t,$(COV_TARGETS),$(eval $(t).cc := $(HOST_CC)))
$(foreach t,$(COV_TARGETS),$(eval $(t).cflags := $(HOST_CFLAGS) -O0 --coverage $(TRACE_FLAGS)))
$(foreach t,$(COV_TARGETS),$(eval $(t).ldflags := --coverage))

# libFuzzer targets (hake/fuzz.mk): clang with coverage feedback, ASan and UBSan. Not part of
# `all`, so that building and testing need no clang; `make fuzz-<name>` builds what it runs.
FUZZ_TARGETS := $(addsuffix -fuzz,$(HOST_TARGETS))
FUZZ_CC ?= clang-14
FUZZ_SAN := address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
host-x86_64-fuzz.platform := host
host-x86_64-fuzz.arch := x86_64
host-armv7-fuzz.platform := host
host-armv7-fuzz.arch := armv7
$(foreach t,$(FUZZ_TARGETS),$(eval $(t).cc := $(FUZZ_CC)))
$(foreach t,$(FUZZ_TARGETS),$(eval $(t).cflags := $(HOST_CFLAGS) -O1 -fsanitize=fuzzer-no-link,$(FUZZ_SAN)))
$(foreach t,$(FUZZ_TARGETS),$(eval $(t).ldflags := -fsanitize=fuzzer,$(FUZZ_SAN)))

# Cross targets: the toolchain is detected and can be overridden on the command line.
X86_64_CC ?= $(firstword $(foreach c,x86_64-linux-gnu-gcc gcc,$(if $(shell command -v $(c) 2>/dev/null),$(c))))
ARMV7_CC ?= $(firstword $(foreach c,arm-none-eabi-gcc arm-linux-gnueabihf-gcc,$(if $(shell command -v $(c) 2>/dev/null),$(c))))
CROSS_CFLAGS := -std=c11 -O2 -g $(WARNINGS) -ffreestanding -fno-common $(if $(TRACE),$(TRACE_FLAGS))
x86_64.cc = $(or $(X86_64_CC),$(error no x86-64 compiler found: run tools/setup or set X86_64_CC))
# Position-independent code runs at any address: the kernel in the top 2 GiB, domains low.
x86_64.cflags := $(CROSS_CFLAGS) -m64 -mno-red-zone -mno-sse -mno-mmx -mno-80387 -fpie
armv7.cc = $(or $(ARMV7_CC),$(error no ARMv7 compiler found: run tools/setup (gcc-arm-none-eabi) or set ARMV7_CC))
armv7.cflags := $(CROSS_CFLAGS) -mcpu=cortex-a15 -marm -mfloat-abi=soft
armv7.ldflags := -mcpu=cortex-a15 -marm -mfloat-abi=soft

# Kernel sources are freestanding on every target, the hosted one included.
KERNEL_CFLAGS := -ffreestanding

CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)
# Every host suite links the guard of usr/tests/host/check_guard.c, which wraps Check's
# registration and run: a plan line, and a test that exits halfway fails instead of passing.
CHECK_GUARD_SRC := usr/tests/host/check_guard.c
CHECK_SUITE_LIBS := -Wl,--wrap=tcase_create,--wrap=_tcase_add_test,--wrap=srunner_run_all \
	$(CHECK_LIBS)
