#!/bin/sh
# A leftover that, on TERM, starts a replacement (which ignores TERM and records its PID in
# $2) and then exits. READY ($1) appears once the trap is set.
# usage: replace_on_term.sh READY REPLACEMENTS
trap 'sh -c "trap \"\" TERM; echo \$\$ >> \"$2\"; exec sleep 1000" & exit 0' TERM
touch "$1"
while :; do sleep 1 & wait $!; done
