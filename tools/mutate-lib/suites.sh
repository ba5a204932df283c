# tools/mutate: the suites a mutant can be seen by, how each is built and run, fastest first.
# shellcheck shell=bash

SUITE_ORDER="caps-x86_64 caps-armv7 vspace-x86_64 vspace-armv7 captest-x86_64 captest-armv7
    pmap-x86_64 pmap-armv7 caps-x86_64-san caps-armv7-san pmap-x86_64-san pmap-armv7-san"
DEFAULT_SUITES="host booted"
BOOT_SECONDS=${MUTATE_BOOT_SECONDS:-180} # a captest boot takes seconds; a hung one is a kill

# Suite names and groups (host, booted, san, all, caps, pmap, vspace, captest) to suite names, in order.
expand_suites() { # words...
    local want=" " w s out=()
    for w in "$@"; do
        case $w in
        host) want+="caps-x86_64 caps-armv7 pmap-x86_64 pmap-armv7 " ;;
        booted | captest) want+="captest-x86_64 captest-armv7 " ;;
        san) want+="caps-x86_64-san caps-armv7-san pmap-x86_64-san pmap-armv7-san " ;;
        caps | pmap | vspace) want+="$w-x86_64 $w-armv7 " ;;
        all) want+="$(echo $SUITE_ORDER) " ;;
        *)
            if [[ " $(echo $SUITE_ORDER) " != *" $w "* ]]; then
                echo "mutate: no suite $w" >&2
                return 2
            fi
            want+="$w " ;;
        esac
    done
    for s in $SUITE_ORDER; do [[ $want == *" $s "* ]] && out+=("$s"); done
    echo "${out[*]}"
}

mutant_suites() { # index
    # shellcheck disable=SC2086
    expand_suites ${MUTATE_SUITES:-${m_suites[$1]:-$DEFAULT_SUITES}}
}

# What make builds for a suite, and the command that runs it (from the scratch tree's root).
suite_targets() { # suite
    case $1 in
    caps-*) # the FDT reader's tests read device trees that dtc compiles
        echo "build/host-${1#*-}/bin/caps_check" $(cd "$tree" && for d in tools/dts/*.dts; do
            echo "build/dtb/$(basename "${d%.dts}").dtb"; done) ;;
    pmap-*) echo "build/host-${1#*-}/bin/pmap_check" ;;
    vspace-*) echo "build/host-${1#*-}/bin/vspace_check" ;;
    captest-x86_64) echo "build/x86_64/bin/cpu.elf32 build/x86_64/bin/captest build/x86_64/bin/spawnchild" ;;
    captest-armv7) echo "build/armv7/bin/cpu build/armv7/bin/captest build/armv7/bin/spawnchild" ;;
    esac
}

build_for() { # suite, log
    # shellcheck disable=SC2046
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$tree" -j"$jobs" --no-print-directory \
        $(suite_targets "$1") >>"$2" 2>&1
}

# The suite's binaries, hashed: a mutant that leaves them as they were cannot be seen by it.
suite_hash() { # suite
    # shellcheck disable=SC2046
    (cd "$tree" && cat $(suite_targets "$1") | sha1sum | cut -c1-40)
}

# The processes below pid, from one look at /proc (builtins only: nothing new to find):
# a boot's `timeout` puts QEMU in a process group of its own.
descendants() { # pid
    local stat line fields p c queue=("$1") found=()
    local -A kids=()
    for stat in /proc/[0-9]*/stat; do
        { read -r line <"$stat"; } 2>/dev/null || continue # gone meanwhile
        read -r -a fields <<<"${line##*) }" # after the command name, which may hold spaces
        p=${stat#/proc/}
        kids[${fields[1]}]+=" ${p%/stat}"
    done
    while [ ${#queue[@]} -gt 0 ]; do
        p=${queue[0]}
        queue=("${queue[@]:1}")
        for c in ${kids[$p]:-}; do
            found+=("$c")
            queue+=("$c")
        done
    done
    echo "${found[*]}"
}

running= # the process group of the suite that runs now, for the exit trap
stop_suite() {
    [ -n "$running" ] || return 0
    # shellcheck disable=SC2046
    kill -TERM -- -"$running" $(descendants "$running") 2>/dev/null
    running=
}

# Runs a command in its own process group; stops it at the first line of the log matching re
# (empty: never). Returns the command's status.
run_watched() { # log, re, command...
    local log=$1 re=$2 status
    shift 2
    # The shell inside reports a crash into the log, not on the terminal.
    (cd "$tree" && exec setsid bash -c '"$@"; exit $?' run "$@") >"$log" 2>&1 &
    running=$!
    while [ -n "$re" ] && kill -0 "$running" 2>/dev/null; do
        if grep -Eqs "$re" "$log"; then # -s: the suite may not have opened its log yet
            stop_suite
            break
        fi
        sleep 1
    done
    wait "$!"
    status=$?
    running=
    return "$status"
}

# Check logs every test as it ends (CK_LOG_FILE_NAME=-, line-buffered): "path:line:F:case:test:i:
# message" for a failure, :E: for an error (a crash, a timeout).
CHECK_FAILURE=':[FE]:[^:]*:[^:]*:[0-9]+:'

# The first failing test; for a crash, with the last line the test printed (the checker's).
check_failure() { # log
    local first said
    first=$(grep -Em1 "$CHECK_FAILURE" "$1") || return 0
    if [[ $first == *"Received signal"* ]]; then
        said=$(sed -n "1,/$(printf '%s' "$first" | sed 's/[^a-zA-Z0-9 ]/./g')/p" "$1" |
            grep -Ev ':[PFE]:' | grep -v '^\s*$' | tail -n 1)
    fi
    printf '%s%s' "$(echo "$first" | sed -E 's/^[^:]*:[0-9]+:[FE]://')" "${said:+ after \"$said\"}"
}

# Runs one suite; on failure sets detail to what failed first. Returns 0 if it passed.
run_suite() { # suite, log
    local s=$1 log=$2 status
    detail=
    case $s in
    caps-* | pmap-* | vspace-*)
        CK_LOG_FILE_NAME=- ASAN_OPTIONS=verify_asan_link_order=0 \
            run_watched "$log" "$CHECK_FAILURE" stdbuf -oL $(suite_targets "$s" | cut -d' ' -f1)
        status=$?
        detail=$(check_failure "$log") ;;
    captest-*)
        # kernel, captest as init, then the boot modules it spawns (make test's boot image)
        local t
        read -r -a t <<<"$(suite_targets "$s")"
        run_watched "$log" "" tools/qemu-run "${s#captest-}" "${t[0]}" "${t[1]}" "$BOOT_SECONDS" \
            "${t[@]:2}"
        status=$?
        detail=$(grep -Em1 '^FAIL |^kernel: (check: FAILED|panic)|^qemu-run:' "$log") ;;
    esac
    [ "$status" -eq 0 ] && [ -z "$detail" ] && return 0
    [ -n "$detail" ] ||
        detail="exit status $status: $(grep -Ev '^\s*$|^run: line' "$log" | tail -n 1)"
    detail=$(echo "$detail" | tr '\t' ' ' | cut -c1-200)
    return 1
}
