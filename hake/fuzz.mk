# Coverage-guided fuzzing (doc/libfuzzer.md): `make fuzz-<name>` runs one libFuzzer harness of
# usr/tests/fuzz, `make fuzz-list` names them; `make test` replays their seed corpora.

FUZZ_CORPUS := usr/tests/fuzz/corpus
# FUZZ_TIME=seconds bounds a run (empty: until stopped); ARCH picks the page-table format.
FUZZ_TIME ?=
FUZZ_OPTS ?=

fuzz-list:
	@$(foreach f,$(FUZZERS),printf '  make fuzz-%-8s %s\n' "$(f)" "$(FUZZ_ABOUT.$(f))" ;) true
	@echo "  (FUZZ_TIME=seconds to stop, ARCH=armv7 for the other page-table format)"

# New inputs go to build/fuzz/<name>-<arch>/corpus, findings beside it; the seeds stay as they are.
define fuzz_command
fuzz-$(1): setup
	@$$(SUBMAKE) $$(BUILD)/host-$$(ARCH)-fuzz/bin/fuzz_$(1)
	@mkdir -p $$(BUILD)/fuzz/$(1)-$$(ARCH)/corpus
	$$(BUILD)/host-$$(ARCH)-fuzz/bin/fuzz_$(1) -artifact_prefix=$$(BUILD)/fuzz/$(1)-$$(ARCH)/ \
		$$(if $$(FUZZ_TIME),-max_total_time=$$(FUZZ_TIME)) $$(FUZZ_OPTS) \
		$$(BUILD)/fuzz/$(1)-$$(ARCH)/corpus $$(FUZZ_CORPUS)/$(1)
.PHONY: fuzz-$(1)
endef
$(foreach f,$(FUZZERS),$(eval $(call fuzz_command,$(f))))

# What `make test` replays: every harness over its seed corpus on every host target built.
FUZZ_REPLAY_BINS = $(foreach t,$(filter $(HOST_TARGETS) $(SAN_TARGETS),$(TARGETS)),\
	$(foreach f,$(FUZZERS),$(BUILD)/$(t)/bin/replay_$(f)))

.PHONY: fuzz-list
