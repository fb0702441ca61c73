#!/bin/sh
# Rampart action hook: keeps an nginx include of `deny` lines in step with Rampart's address and range blocks,
# then reloads nginx (a graceful reload: no request is dropped). In the playbook:
#
#   enforcement:
#     hooks:
#       - name: nginx-deny
#         command: [/etc/rampart/hooks/nginx-deny.sh]
#         kinds: [block]
#         env: { NGINX_DENY_FILE: /etc/nginx/rampart-deny.conf }
#
# and in nginx's server (or http) block:  include /etc/nginx/rampart-deny.conf;
#
# Rampart runs it without a shell, with the mitigation in RAMPART_* variables; RAMPART_TARGET of a block is an
# IPv4/IPv6 address or CIDR that Rampart has already validated, so it is safe in a config line.
set -eu
INCLUDE="${NGINX_DENY_FILE:?set NGINX_DENY_FILE to the include file}"
NGINX="${NGINX_BIN:-nginx}"
LINE="deny ${RAMPART_TARGET:?};"

case "${RAMPART_ACTION:?}" in
  apply)
    grep -qxF "$LINE" "$INCLUDE" 2>/dev/null || printf '%s\n' "$LINE" >> "$INCLUDE"
    ;;
  lift | expire)
    tmp="$INCLUDE.rampart.$$"
    grep -vxF "$LINE" "$INCLUDE" > "$tmp" || true
    cat "$tmp" > "$INCLUDE" && rm -f "$tmp"
    ;;
  *)
    echo "unknown action $RAMPART_ACTION" >&2
    exit 2
    ;;
esac

# Check the new configuration first: a broken include must never take nginx down.
# NGINX_ARGS: extra arguments for a non-default nginx (-p prefix -c conf), as in Rampart's own test.
# shellcheck disable=SC2086
"$NGINX" ${NGINX_ARGS:-} -t -q
# shellcheck disable=SC2086
exec "$NGINX" ${NGINX_ARGS:-} -s reload
