#!/bin/sh
# Rampart action hook: adds and removes blocked addresses in an nftables set. No nft timeout: Rampart runs
# `expire` when the block ends, also after it was extended.
# One-time setup (as root):
#   nft add table inet rampart
#   nft add set inet rampart blocked4 '{ type ipv4_addr; flags interval, timeout; }'
#   nft add set inet rampart blocked6 '{ type ipv6_addr; flags interval, timeout; }'
#   nft add chain inet rampart input '{ type filter hook input priority -10; }'
#   nft add rule inet rampart input ip saddr @blocked4 drop
#   nft add rule inet rampart input ip6 saddr @blocked6 drop
# Playbook:
#   enforcement: { hooks: [ { name: nft, command: [/etc/rampart/hooks/nft-set.sh], kinds: [block] } ] }
set -eu
case "$RAMPART_TARGET" in *:*) SET=blocked6 ;; *) SET=blocked4 ;; esac
case "$RAMPART_ACTION" in
  apply) exec nft add element inet rampart "$SET" "{ $RAMPART_TARGET }" ;;
  lift | expire) nft delete element inet rampart "$SET" "{ $RAMPART_TARGET }" 2>/dev/null || true ;;
esac
