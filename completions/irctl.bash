# bash completion for irctl.
# The candidates come from the binary itself (`irctl __complete WORDS...`), so
# they always match its commands, options, severities and incident IDs.
_irctl() {
    local line i
    local -a words=("${COMP_WORDS[@]:1:COMP_CWORD}")
    # -C DIR reaches irctl as typed: bash expands a leading ~ only when the
    # command runs, and irctl completes from the repository at DIR.
    for ((i = 0; i + 1 < ${#words[@]}; i++)); do
        if [[ ${words[i]} == -C && (${words[i + 1]} == "~" || ${words[i + 1]} == "~/"*) ]]; then
            words[i + 1]=$HOME${words[i + 1]:1}
        fi
    done
    COMPREPLY=()
    while IFS= read -r line; do
        COMPREPLY+=("${line%%$'\t'*}")
    done < <(irctl __complete "${words[@]}" 2>/dev/null)
}
complete -o default -o nosort -F _irctl irctl
