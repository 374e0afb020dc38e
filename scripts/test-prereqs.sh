#!/usr/bin/env bash
# What the test suite needs besides node_modules, installed when missing (Debian's packages,
# one apt-get update at most). `npm test` runs this first, and so does CI (.ci/run), so a
# fresh machine needs nothing done by hand. Without root or password-less sudo it stops at
# once and prints the exact command to run.
#   redis-server  the Redis tests start their own private servers on free ports
#   redis-tools   redis-cli forms the private Redis Cluster of the cluster tests
#   chromium      the end-to-end tests drive the system browser with playwright-core
#   nginx         the load-balancer test runs its own nginx on a free loopback port
# CHROMIUM_PATH / NGINX_PATH point at other binaries (Debian puts nginx in /usr/sbin, which a
# non-root PATH may lack, so the tests take NGINX_PATH).
set -euo pipefail

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
NGINX_PATH="${NGINX_PATH:-/usr/sbin/nginx}"
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
for pair in "chromium:$CHROMIUM_PATH:/usr/bin/chromium" "nginx:$NGINX_PATH:/usr/sbin/nginx"; do
  IFS=: read -r package path default <<<"$pair"
  [ -x "$path" ] && continue
  if [ "$path" != "$default" ]; then
    echo "test prerequisites: $path (from ${package^^}_PATH) is not an executable" >&2
    exit 1
  fi
  missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

command="apt-get update && apt-get install -y ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  as_root() { "$@"; }
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root() { sudo "$@"; }
else
  echo "test prerequisites missing: ${missing[*]}" >&2
  echo "install them with:  sudo sh -c '$command'" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "test prerequisites missing: ${missing[*]} (this script installs them with Debian's apt-get only)" >&2
  exit 1
fi

echo "test prerequisites missing: ${missing[*]}: installing with apt-get"
# Debian starts a package's service as it installs it: nginx would take port 80 (or fail its
# install when 80 is taken) and redis-server 6379. The tests start their own, so services may
# not start during this install (policy-rc.d exit 101, Debian's switch for that), unless the
# machine already has a policy of its own.
policy_added=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
  as_root chmod 755 /usr/sbin/policy-rc.d
  policy_added=1
  trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT # also when the install fails
fi
as_root apt-get update
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
