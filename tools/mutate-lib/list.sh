# tools/mutate: reading tools/mutants.list, and putting one mutant into the scratch tree and back.
# shellcheck shell=bash

# The mutants, by index: id, file, why, suites, original and mutated text (lines joined by \n).
m_id=() m_file=() m_why=() m_suites=() m_orig=() m_repl=() m_norig=() m_nrepl=()
selected=() # indexes of the mutants this run covers (MUTANTS=id1,id2)
list_bad=0

list_error() { # line number, message
    echo "mutate: $list:$1: $2" >&2
    list_bad=1
}

# One line of a block. Indentation does not count: the original matches whatever indentation
# its lines have, and the mutated lines take that of the line the match starts in.
parse_line() { # index, line number, line
    local n=$1 at=$2 line=$3 text
    text=${line#?}
    text=${text#"${text%%[! ]*}"}
    case $line in
    'file: '*) m_file[n]=${line#file: } ;;
    'why: '*) m_why[n]=${line#why: } ;;
    'suites: '*) m_suites[n]=${line#suites: } ;;
    '-' | '- '*)
        if [ "${m_norig[n]}" -gt 0 ]; then m_orig[n]+=$'\n'; fi
        m_orig[n]+=$text
        m_norig[n]=$((m_norig[n] + 1)) ;;
    '+' | '+ '*)
        if [ "${m_nrepl[n]}" -gt 0 ]; then m_repl[n]+=$'\n'; fi
        m_repl[n]+=$text
        m_nrepl[n]=$((m_nrepl[n] + 1)) ;;
    *) list_error "$at" "not a field of a mutant: $line" ;;
    esac
}

new_mutant() { # index, line number, id
    local n=$1
    m_id[n]=$3 m_file[n]='' m_why[n]='' m_suites[n]='' m_orig[n]='' m_repl[n]=''
    m_norig[n]=0 m_nrepl[n]=0
    [[ $3 =~ ^[a-z0-9][a-z0-9-]*$ ]] || list_error "$2" "an id is lower case, digits and '-': $3"
    local j
    for ((j = 0; j < n; j++)); do
        [ "${m_id[j]}" != "$3" ] || list_error "$2" "id $3 is used twice"
    done
}

check_block() { # index
    local n=$1
    [ -n "${m_file[n]}" ] || list_error "-" "${m_id[n]} names no file"
    [ -n "${m_why[n]}" ] || list_error "-" "${m_id[n]} says no why"
    [ "${m_norig[n]}" -gt 0 ] || list_error "-" "${m_id[n]} has no original text (- lines)"
}

parse_list() {
    local n=-1 at=0 line
    [ -f "$list" ] || { echo "mutate: no list at $list" >&2; return 2; }
    while IFS= read -r line || [ -n "$line" ]; do
        at=$((at + 1))
        case $line in
        '#'* | '') ;;
        'id: '*) n=$((n + 1)); new_mutant "$n" "$at" "${line#id: }" ;;
        *) if [ "$n" -lt 0 ]; then list_error "$at" "a field before the first id"
           else parse_line "$n" "$at" "$line"; fi ;;
        esac
    done <"$list"
    for ((line = 0; line <= n; line++)); do check_block "$line"; done
    [ "$list_bad" -eq 0 ] && select_mutants
}

# MUTANTS=id1,id2 picks some; unknown ids are an error, not an empty run.
select_mutants() {
    local i want
    selected=()
    if [ -z "${MUTANTS:-}" ]; then
        for i in "${!m_id[@]}"; do selected+=("$i"); done
        return 0
    fi
    for want in ${MUTANTS//,/ }; do
        for i in "${!m_id[@]}"; do [ "${m_id[i]}" = "$want" ] && break; done
        if [ "${m_id[i]}" != "$want" ]; then
            echo "mutate: MUTANTS names $want, which $list does not hold" >&2
            return 2
        fi
        selected+=("$i")
    done
}

# Perl that finds the original ($ENV{ORIG}: lines, each with any indentation) as $re.
ORIG_RE='my $re = join q(\n[ \t]*), map { quotemeta } split /\n/, $ENV{ORIG}, -1;'

count_in() { # file, text: how many times the text occurs in the file
    ORIG=$2 perl -0777 -ne "$ORIG_RE"' my $n = () = /$re/g; print $n' "$1"
}

# Every selected mutant must apply to the user's tree exactly as written.
check_all() {
    local i found bad=0
    for i in "${selected[@]}"; do
        if ! [ -f "$root/${m_file[i]}" ]; then
            echo "mutate: ${m_id[i]}: ${m_file[i]} does not exist" >&2; bad=1; continue
        fi
        found=$(count_in "$root/${m_file[i]}" "${m_orig[i]}")
        if [ "$found" != 1 ]; then
            echo "mutate: ${m_id[i]}: the original text occurs $found times in ${m_file[i]}" \
                "(it must occur once)" >&2
            bad=1
        fi
    done
    [ "$bad" -eq 0 ] && echo "mutate: ${#selected[@]} mutants apply to the tree"
}

list_all() {
    local i
    for i in "${selected[@]}"; do
        printf '%-28s %-32s %s\n' "${m_id[i]}" "${m_file[i]}" "${m_why[i]}"
    done
}

# The mutated file's original is kept aside; restoring writes it back with a new time stamp,
# so that make rebuilds what the mutant's build left behind.
applied=
apply_mutant() { # index
    local i=$1 file=$tree/${m_file[$1]}
    cp -p "$file" "$work/original" || return 1
    applied=${m_file[i]}
    ORIG=${m_orig[i]} REPL=${m_repl[i]} perl -0777 -i -pe "$ORIG_RE"'
        if (/$re/) {
            my ($s, $e) = ($-[0], $+[0]);
            my ($indent) = substr($_, rindex($_, "\n", $s - 1) + 1) =~ /^([ \t]*)/;
            substr($_, $s, $e - $s) = join("\n$indent", split /\n/, $ENV{REPL}, -1);
        }' "$file" && ! cmp -s "$file" "$work/original"
}

restore_mutant() {
    [ -n "$applied" ] || return 0
    cat "$work/original" >"$tree/$applied" && touch "$tree/$applied" && applied=
}
