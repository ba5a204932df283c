# tools/mutate: the scratch tree, the baseline run, and one mutant after another.
# shellcheck shell=bash

# The tree's sources: what git tracks or would track (new files too), else everything found.
source_files() {
    if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git -C "$root" ls-files -z --cached --others --exclude-standard
    else
        (cd "$root" && find . -path ./build -prune -o -path ./.git -prune -o -type f -printf '%P\0')
    fi
}

# Copies what differs (with a new time stamp, so make rebuilds it) and drops what is gone.
sync_tree() {
    local f copied=0 keep=$work/files
    mkdir -p "$tree"
    source_files | while IFS= read -r -d '' f; do
        [ -f "$root/$f" ] && printf '%s\n' "$f"
    done | sort >"$keep"
    while IFS= read -r f; do
        if ! cmp -s "$root/$f" "$tree/$f"; then
            mkdir -p "$(dirname "$tree/$f")" && cp "$root/$f" "$tree/$f" || return 1
            copied=$((copied + 1))
        fi
    done <"$keep"
    (cd "$tree" && find . -path ./build -prune -o -type f -printf '%P\n' | sort) |
        comm -23 - "$keep" | while IFS= read -r f; do rm -f "$tree/$f"; done
    echo "mutate: scratch tree $tree ($copied files copied)"
}

# What the suites see: every file but the build, the docs and this tool with its list.
tree_hash() {
    (cd "$tree" && find . -path ./build -prune -o -type f ! -name '*.md' \
        ! -path './tools/mutate*' ! -path ./tools/mutants.list -print0 | sort -z |
        xargs -0 sha1sum | sha1sum | cut -c1-12)
}

# The unmutated tree must pass every suite the run uses; a pass is remembered per tree content,
# with the hash of the suite's binaries. baseline_s counts the time it took.
baseline_s=0
baseline() { # suites...
    local s dir=$work/baseline/$hash log t0=$SECONDS t1
    mkdir -p "$dir" "$work/logs"
    for s in "$@"; do
        [ -f "$dir/$s" ] && continue
        log=$work/logs/baseline-$s.log
        t1=$SECONDS
        : >"$log"
        if ! build_for "$s" "$log"; then
            echo "mutate: the unmutated tree does not build for $s (see $log)"; return 1
        fi
        if ! run_suite "$s" "$log.run"; then
            echo "mutate: the unmutated tree fails $s: $detail (see $log.run); fix that first"
            return 1
        fi
        suite_hash "$s" >"$dir/$s"
        echo "mutate: baseline: the unmutated tree builds and passes $s ($((SECONDS - t1)) s)"
    done
    baseline_s=$((baseline_s + SECONDS - t0))
}

# A suite the run did not take a baseline of (the sanitizer builds, which the fast suites
# usually spare): the mutant steps aside while it is taken.
baseline_now() { # index, suite
    [ -f "$work/baseline/$hash/$2" ] && return 0
    restore_mutant
    baseline "$2" || { baseline_broken=1; return 1; }
    apply_mutant "$1"
}

# Builds and runs the mutant's suites until one fails: sets result, killer, detail, build_s.
# A suite whose binaries come out as in the baseline cannot see the mutant and is skipped;
# a mutant no suite's binaries change is EQUIVALENT (it tests nothing: change or drop it).
try_mutant() { # index, log
    local s t0 ran=()
    result=EQUIVALENT killer= detail= build_s=0
    if ! apply_mutant "$1"; then
        result=BROKEN detail="could not be applied"; return
    fi
    for s in $(mutant_suites "$1"); do
        if ! baseline_now "$1" "$s"; then
            result=BROKEN detail="the unmutated tree fails $s"; return
        fi
        t0=$SECONDS
        if ! build_for "$s" "$2"; then
            result=BROKEN killer=$s detail="does not build (see $2)"; return
        fi
        build_s=$((build_s + SECONDS - t0))
        [ "$(suite_hash "$s")" = "$(cat "$work/baseline/$hash/$s")" ] && continue
        ran+=("$s")
        if ! run_suite "$s" "$2.$s"; then
            result=killed killer=$s; return
        fi
    done
    if [ ${#ran[@]} -gt 0 ]; then
        result=SURVIVED detail="passed: ${ran[*]}"
    else
        detail="no suite's binaries change"
    fi
}

run_mutant() { # index, position, total
    local i=$1 t0=$SECONDS log=$work/logs/${m_id[$1]}.log b0=$baseline_s
    : >"$log"
    rm -f "$log".*
    try_mutant "$i" "$log"
    restore_mutant
    local secs=$((SECONDS - t0 - (baseline_s - b0)))
    [ "$baseline_broken" -eq 0 ] || return 0 # no result: the tree, not the mutant, failed
    mkdir -p "$work/results"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$result" "$killer" "$detail" "$secs" "$build_s" \
        "$hash" "$(date -u +%Y-%m-%d)" >"$work/results/${m_id[i]}"
    case $result in
    killed) echo "mutate: [$2/$3] ${m_id[i]}: killed by $killer ($detail) in $secs s" ;;
    *) echo "mutate: [$2/$3] ${m_id[i]}: $result ($detail) in $secs s" ;;
    esac
}

cleanup() {
    stop_suite
    restore_mutant
}

run_all() {
    local i n=0 killed=0 bad=() suites
    trap cleanup EXIT
    trap 'exit 130' INT TERM HUP
    sync_tree || return 2
    hash=$(tree_hash)
    suites=$(for i in "${selected[@]}"; do mutant_suites "$i"; done | tr ' ' '\n' | grep -v san)
    # shellcheck disable=SC2046
    baseline $(expand_suites $suites) || return 2
    local start=$SECONDS
    baseline_s=0 baseline_broken=0
    for i in "${selected[@]}"; do
        n=$((n + 1))
        run_mutant "$i" "$n" "${#selected[@]}"
        [ "$baseline_broken" -eq 0 ] || return 2
        if [ "$result" = killed ]; then killed=$((killed + 1)); else bad+=("${m_id[i]}"); fi
    done
    local secs=$((SECONDS - start - baseline_s))
    echo "mutate: $killed of $n killed ($((100 * killed / n))%) in $secs s" \
        "(mean $((secs / n)) s a mutant)${bad[*]:+; not killed: ${bad[*]}}"
    [ ${#bad[@]} -eq 0 ]
}
