#!/bin/sh
# Rampart action hook: a ufw deny rule per blocked address or range (ufw keeps no expiry: Rampart runs
# `expire` when the block ends). Playbook:
#   enforcement: { hooks: [ { name: ufw, command: [/etc/rampart/hooks/ufw.sh], kinds: [block] } ] }
set -eu
case "$RAMPART_ACTION" in
  apply) exec ufw insert 1 deny from "$RAMPART_TARGET" comment "rampart $RAMPART_MITIGATION_ID" ;;
  lift | expire) exec ufw delete deny from "$RAMPART_TARGET" ;;
esac
