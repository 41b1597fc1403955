# bash completion for irctl.
# The candidates come from the binary itself (`irctl __complete WORDS...`), so
# they always match its commands, options, severities and incident IDs.
_irctl() {
    local line i glued=
    local -a words=()
    # bash splits "--by=se" at the '=' (COMP_WORDBREAKS): irctl gets the word
    # whole, and bash completes after the '=', so the candidates ("--by=severity")
    # lose what comes before it.
    for ((i = 1; i <= COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} == "=" && ${COMP_WORDS[i - 1]} == --* ]] && ((i > 1)); then
            words[${#words[@]} - 1]+="="
            if ((i < COMP_CWORD)); then
                ((i++))
                words[${#words[@]} - 1]+=${COMP_WORDS[i]}
            fi
            ((i == COMP_CWORD)) && glued=1
        else
            words+=("${COMP_WORDS[i]}")
        fi
    done
    # -C DIR reaches irctl as typed: bash expands a leading ~ only when the
    # command runs, and irctl completes from the repository at DIR.
    for ((i = 0; i + 1 < ${#words[@]}; i++)); do
        if [[ ${words[i]} == -C && (${words[i + 1]} == "~" || ${words[i + 1]} == "~/"*) ]]; then
            words[i + 1]=$HOME${words[i + 1]:1}
        fi
    done
    COMPREPLY=()
    while IFS= read -r line; do
        line=${line%%$'\t'*}
        [[ -n $glued ]] && line=${line#*=}
        COMPREPLY+=("$line")
    done < <(irctl __complete "${words[@]}" 2>/dev/null)
}
complete -o default -o nosort -F _irctl irctl
