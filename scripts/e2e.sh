#!/usr/bin/env bash
# npm run test:e2e — the real-VS-Code suite: installs what it needs (cached), packages the .vsix, and runs the
# journeys in code-server + Chromium, then the integration suite inside code-server's extension host.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
step() { echo "=== [e2e $(( $(date +%s) - t0 ))s] $*"; }
step "installing what the real VS Code run needs (skipped when cached)"
bash scripts/e2e-install.sh
if [ ! -d node_modules ]; then step "npm ci"; npm ci --no-audit --no-fund; fi
step "building the extension and packaging the .vsix"
mkdir -p .e2e
npm run -s package -- -o .e2e/appcircle-vscode.vsix >/dev/null
# the .vsix is the product (vsce ran vscode:prepublish: no test API); the extension-host suite loads dist/ from the
# repository and reads the stored session through the test API, so dist/ is rebuilt with it kept
node esbuild.js --production --test-api >/dev/null
step "compiling tests"
npx --no-install tsc -p tsconfig.test.json
# the integration suite loads the extension from the repository (extensionDevelopmentPath): it needs dist/ too
step "running the journeys and the extension-host suite"
node out/test/e2e/run.js --vsix .e2e/appcircle-vscode.vsix "$@"
