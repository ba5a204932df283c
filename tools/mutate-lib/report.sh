# tools/mutate --report: the latest result of every mutant as a markdown table.
# shellcheck shell=bash

REPORT_BEGIN='<!-- mutate --report: begin -->'
REPORT_END='<!-- mutate --report: end -->'

# A Check failure as "test: message", a booted one as its FAIL line; cut to a table cell.
short_failure() { # detail
    echo "$1" | sed -E 's/^[^:]*:([^:]*):[0-9]+: /\1: /; s/: \(after this point\) /: /' |
        cut -c1-110
}

report_table() {
    local i r result killer detail secs build_s hsh day killed=0 ran=0 total=0 total_s=0 hashes=''
    printf '| mutant | file | the bug it stands for | result | killed by (first failure) | s |\n'
    printf '|---|---|---|---|---|---|\n'
    for i in "${selected[@]}"; do
        r=$work/results/${m_id[i]}
        result="not run" killer= detail= secs=
        if [ -f "$r" ]; then
            IFS=$'\t' read -r result killer detail secs build_s hsh day <"$r"
            ran=$((ran + 1)) hashes+="$hsh@$day " total_s=$((total_s + secs))
        fi
        [ "$result" = killed ] && killed=$((killed + 1))
        [ "$result" = killed ] && detail="\`$killer\` $(short_failure "$detail")"
        [ "$result" = SURVIVED ] && result="**SURVIVED**" detail=
        total=$((total + 1))
        printf '| `%s` | `%s` | %s | %s | %s | %s |\n' "${m_id[i]}" "${m_file[i]}" \
            "${m_why[i]}" "$result" "$(echo "$detail" | sed 's/|/\\|/g')" "$secs"
    done
    printf '\n%d of %d mutants killed (%d%%); %d run, in %d s (the last column: seconds a mutant,\n' \
        "$killed" "$total" "$((total ? 100 * killed / total : 0))" "$ran" "$total_s"
    printf 'rebuilds included); trees (content hash@day): %s\n' \
        "$(echo "$hashes" | tr ' ' '\n' | sed '/^$/d' | sort -u | tr '\n' ' ')"
}

# Prints the table, or puts it between the markers of file.
report() { # [file]
    local file=$1 table
    table=$(report_table)
    if [ -z "$file" ]; then
        echo "$table"
        return 0
    fi
    if ! grep -qF "$REPORT_BEGIN" "$file" || ! grep -qF "$REPORT_END" "$file"; then
        echo "mutate: $file has no $REPORT_BEGIN ... $REPORT_END block" >&2
        return 2
    fi
    TABLE=$table BEGIN=$REPORT_BEGIN END=$REPORT_END perl -0777 -i -pe \
        's/\Q$ENV{BEGIN}\E.*?\Q$ENV{END}\E/$ENV{BEGIN}\n$ENV{TABLE}\n$ENV{END}/s' "$file"
    echo "mutate: results written into $file"
}
