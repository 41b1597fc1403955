# fish completion for irctl.
# The candidates come from the binary itself (`irctl __complete WORDS...`), so
# they always match its commands, options, severities and incident IDs.
function __irctl_complete
    set -l words (commandline -opc)
    irctl __complete $words[2..-1] (commandline -ct) 2>/dev/null
end
complete -c irctl -f -a '(__irctl_complete)'
