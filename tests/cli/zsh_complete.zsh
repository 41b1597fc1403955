#!/usr/bin/env zsh
# Usage: complete.zsh COMPLETIONS_DIR LINE — types LINE and a Tab into an
# interactive zsh that loads the completion from COMPLETIONS_DIR, and prints
# the words zsh's completion offers, one per line.
zmodload zsh/zpty || exit 2
zpty z 'zsh -f -i'
zpty -w z "PS1='>'; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd() { local -a w; builtin compadd -O w "$@"; print -rl -- ${w/#/OFFER:}; builtin compadd "$@"; }'
zpty -w z 'offer_end() { print -r -- OFFER-END; }; comppostfuncs=(offer_end); bindkey "^I" complete-word'
zpty -w z 'print -r -- READY-FOR-IT'
local line
integer deadline=$(( SECONDS + 30 ))
# Skip what the set-up echoed: up to the marker's output (not its echo).
while (( SECONDS < deadline )); do
  zpty -r -t z line || { sleep 0.05; continue; }
  [[ $line == READY-FOR-IT* ]] && break
done
zpty -w -n z "$2"$'\t'
while (( SECONDS < deadline )); do
  zpty -r -t z line || { sleep 0.05; continue; }
  line=${line//$'\r'/}
  line=${line%$'\n'}
  [[ $line == *OFFER-END* ]] && { zpty -d z; exit 0; }
  [[ $line == *OFFER:* ]] && print -r -- ${line##*OFFER:}
done
zpty -d z
print -u2 "complete.zsh: no completion within 30 seconds"
exit 1
