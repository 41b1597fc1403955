#!/usr/bin/env bash
# Deploy freeze: refuse to deploy while a major incident is open.
#
# Usage: deploy-freeze.sh [INCIDENT_REPO [COMMAND [ARG]...]]
#
# Brings INCIDENT_REPO (default: $INCIDENTS, else the current directory) up to
# date when it has a remote, then runs `irctl gate`. When no matching incident
# is open it exits 0, or runs COMMAND (the deploy) and exits with its status.
# While one is open it prints which (irctl gate does) and exits 6. Anything
# else that goes wrong (the repository cannot be updated, an incident file
# cannot be read) exits non-zero as well: a freeze that cannot tell fails
# closed.
#
# Environment:
#   IRCTL_GATE_SEVERITY  the least severe level that freezes (default SEV2:
#                        SEV1 and SEV2 incidents freeze, SEV3 and SEV4 do not)
#   IRCTL_GATE_SERVICES  only incidents affecting one of these services,
#                        separated by spaces (default: any service)
#   IRCTL                the irctl binary (default: irctl from PATH)
#
# Example:
#   INCIDENTS=/srv/incidents IRCTL_GATE_SERVICES="checkout payments" \
#     ./deploy-freeze.sh /srv/incidents ./deploy.sh production
set -euo pipefail

repo=${1:-${INCIDENTS:-.}}
[ $# -gt 0 ] && shift
irctl=${IRCTL:-irctl}

gate=(--severity "${IRCTL_GATE_SEVERITY:-SEV2}")
read -r -a services <<<"${IRCTL_GATE_SERVICES:-}"
for service in ${services[@]+"${services[@]}"}; do
  gate+=(--service "$service")
done

if [ -n "$(git -C "$repo" remote)" ] && ! git -C "$repo" pull --ff-only --quiet; then
  echo "deploy-freeze: cannot bring $repo up to date; not deploying on what may be stale" >&2
  exit 1
fi

status=0
"$irctl" -C "$repo" gate "${gate[@]}" || status=$?
case $status in
  0) ;;
  6)
    echo "deploy-freeze: deploys are frozen while the incidents above are open" >&2
    exit 6
    ;;
  *)
    echo "deploy-freeze: irctl gate failed (exit $status); not deploying" >&2
    exit "$status"
    ;;
esac

[ $# -eq 0 ] && exit 0
exec "$@"
