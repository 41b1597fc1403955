# bash completion for irctl.
# The candidates come from the binary itself (`irctl __complete WORDS...`), so
# they always match its commands, options, severities and incident IDs.
_irctl() {
    local line
    COMPREPLY=()
    while IFS= read -r line; do
        COMPREPLY+=("${line%%$'\t'*}")
    done < <(irctl __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
}
complete -o default -o nosort -F _irctl irctl
