#!/usr/bin/env bash
# Runs a command in a fresh network namespace that has only loopback, with
# dummy AWS credentials, so that nothing it does (the AWS SDK, the moto
# emulator, boto3 seeding scripts) can reach the network or instance metadata.
#
#   scripts/netns-run.sh cargo test --offline -p pillar-cli --features aws --test live
#
# Needs `unshare` and `ip` and the right to create a network namespace (root,
# or unprivileged user namespaces). Build first, outside: inside, cargo must
# not need the network (pass --offline).
set -euo pipefail
if [ "${PILLAR_IN_NETNS:-}" != 1 ]; then
  if [ "$(id -u)" = 0 ]; then
    exec unshare -n -- env PILLAR_IN_NETNS=1 "$0" "$@"
  else
    exec unshare -r -n -- env PILLAR_IN_NETNS=1 "$0" "$@"
  fi
fi
ip link set lo up
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_ENDPOINT_URL || true
exec "$@"
