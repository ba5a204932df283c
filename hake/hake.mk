# hake: reads every Hakefile and turns its declarations into rules for each target.
#
# A Hakefile is a make fragment evaluated with $(d) set to its folder. It
# declares modules by adding their names to LIBRARIES, PROGRAMS or HOST_TESTS
# and setting fields on them:
#   NAME.srcs             C sources for every target
#   NAME.srcs.<platform>  extra sources for one platform (host, x86_64, armv7)
#   NAME.srcs.<arch>      extra sources for one page-table format
#   NAME.incs(.<...>)     include folders, added to every target that builds NAME
#   NAME.cflags(.<...>)   extra compiler flags for these sources
#   NAME.ldscript(.<...>) (programs) link freestanding with this linker script
#   NAME.elf32(.<...>)    (programs) also write bin/NAME.elf32 (for QEMU's Multiboot loader)
#   NAME.libs             (programs) libraries to link, in link order
#   NAME.ldlibs           (programs) host libraries, such as $(CHECK_LIBS)
#   NAME.targets          patterns of the targets that build NAME (default: all)
# Assign fields with := ($(d) changes as hake reads on; a first += would
# defer it). Outputs land in build/<target>/: objects mirror the source tree, libraries
# in lib/, programs in bin/.

.DEFAULT_GOAL := all
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
BUILD ?= build
Q := $(if $(V),,@)

include hake/targets.mk

HAKEFILES := $(patsubst ./%,%,$(shell find . -name Hakefile -not -path './build/*' -not -path './.git/*' | sort))

define hake_read
d := $(patsubst %/,%,$(dir $(1)))
include $(1)
endef
$(foreach h,$(HAKEFILES),$(eval $(call hake_read,$(h))))

MODULES := $(LIBRARIES) $(PROGRAMS) $(HOST_TESTS)

# builds T M: does target T build module M?
builds = $(if $(filter $(or $($(2).targets),%),$(1)),yes)
# field T M F: a module field for target T, with platform and arch extras.
field = $(sort $($(2).$(3)) $($(2).$(3).$($(1).platform)) $($(2).$(3).$($(1).arch)))

define target_rules
$(1).modules := $$(foreach m,$$(MODULES),$$(if $$(call builds,$(1),$$(m)),$$(m)))
$(1).incs := $$(foreach m,$$($(1).modules),$$(call field,$(1),$$(m),incs))

$(BUILD)/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	@echo "  CC   [$(1)] $$<"
	$(Q)$$($(1).cc) $$($(1).cflags) $$(MODULE_CFLAGS) $$(addprefix -I,$$($(1).incs) $$(GLOBAL_INCS) include/arch/$$($(1).arch)) -MMD -MP -c $$< -o $$@

$(BUILD)/$(1)/%.o: %.S
	@mkdir -p $$(@D)
	@echo "  AS   [$(1)] $$<"
	$(Q)$$($(1).cc) $$($(1).cflags) $$(MODULE_CFLAGS) -D__ASSEMBLY__ $$(addprefix -I,$$($(1).incs) $$(GLOBAL_INCS) include/arch/$$($(1).arch)) -MMD -MP -c $$< -o $$@
endef

# cflags keep their order: platform and arch extras after the common ones.
module_cflags = $($(2).cflags) $($(2).cflags.$($(1).platform)) \
	$(if $(filter-out $($(1).platform),$($(1).arch)),$($(2).cflags.$($(1).arch)))

define module_objs
$(2).$(1).srcs := $$(call field,$(1),$(2),srcs)
$(2).$(1).objs := $$(patsubst %.S,$(BUILD)/$(1)/%.o,$$(patsubst %.c,$(BUILD)/$(1)/%.o,$$($(2).$(1).srcs)))
$$($(2).$(1).objs): MODULE_CFLAGS := $$(call module_cflags,$(1),$(2))
-include $$($(2).$(1).objs:.o=.d)
endef

define library_rules
$(call module_objs,$(1),$(2))
$(BUILD)/$(1)/lib/$(2).a: $$($(2).$(1).objs)
	@mkdir -p $$(@D)
	@echo "  AR   [$(1)] $$@"
	$(Q)rm -f $$@ && ar rcs $$@ $$^
$(1).outputs += $(BUILD)/$(1)/lib/$(2).a
endef

# Hosted programs link against the host's libc; those with a linker script link freestanding.
comma := ,
link_flags = $($(1).ldflags) $(if $(3),-nostdlib -static -no-pie -Wl$(comma)-T$(comma)$(3) -Wl$(comma)--build-id=none -Wl$(comma)--no-warn-rwx-segments -Wl$(comma)-z$(comma)noexecstack)

define program_rules
$(call module_objs,$(1),$(2))
$(2).$(1).libs := $$(foreach l,$$($(2).libs),$(BUILD)/$(1)/lib/$$(l).a)
$(2).$(1).ldscript := $$(call field,$(1),$(2),ldscript)
$(BUILD)/$(1)/bin/$(2): $$($(2).$(1).objs) $$($(2).$(1).libs) $$($(2).$(1).ldscript)
	@mkdir -p $$(@D)
	@echo "  LD   [$(1)] $$@"
	$(Q)$$($(1).cc) $$(call link_flags,$(1),$(2),$$($(2).$(1).ldscript)) -o $$@ $$($(2).$(1).objs) -Wl,--start-group $$($(2).$(1).libs) -Wl,--end-group $$($(2).ldlibs) $$(if $$($(2).$(1).ldscript),-lgcc)
$(1).outputs += $(BUILD)/$(1)/bin/$(2)
ifneq ($$(call field,$(1),$(2),elf32),)
$(BUILD)/$(1)/bin/$(2).elf32: $(BUILD)/$(1)/bin/$(2)
	@echo "  ELF32 [$(1)] $$@"
	$(Q)objcopy -O elf32-i386 $$< $$@
$(1).outputs += $(BUILD)/$(1)/bin/$(2).elf32
endif
endef

# Rules for every target; `all` builds TARGETS, the fuzz targets only when asked for.
RULE_TARGETS := $(TARGETS) $(FUZZ_TARGETS)
$(foreach t,$(RULE_TARGETS),$(eval $(call target_rules,$(t))))
$(foreach t,$(RULE_TARGETS),$(foreach m,$(LIBRARIES),$(if $(call builds,$(t),$(m)),$(eval $(call library_rules,$(t),$(m))))))
$(foreach t,$(RULE_TARGETS),$(foreach m,$(PROGRAMS) $(HOST_TESTS),$(if $(call builds,$(t),$(m)),$(eval $(call program_rules,$(t),$(m))))))

.PHONY: all setup test run run-host debug bench clean format format-check
all: $(foreach t,$(TARGETS),$($(t).outputs))

setup:
	@tools/setup

include hake/commands.mk
include hake/fuzz.mk

clean:
	rm -rf $(BUILD)
