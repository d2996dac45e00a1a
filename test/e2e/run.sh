#!/usr/bin/env bash
# `npm run test:e2e`: the extension in a real VS Code (code-server 4.100.3 =
# VS Code 1.100.3) driven by Debian's headless Chromium. Offline-safe: only
# the npm registry and Debian's packages (see ../shared/E2E.md).
#   1. install code-server into .e2e/ (once; git-ignored)
#   2. build, package the .vsix, bundle the extension-host tests
#   3. UI test against the installed .vsix (test/e2e/ui.mjs)
#   4. extension-host mocha suite with the repository as the extension under development
# Each stage prints "N passed, N failed"; the exit status is non-zero if any failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
T0=$(date +%s)
stage() { echo "--- [$(( $(date +%s) - T0 ))s] $*"; }
PORT=${E2E_PORT:-8765}
trap 'bash test/e2e/code-server.sh stop' EXIT

stage "code-server"
bash test/e2e/install-code-server.sh "$ROOT/.e2e/code-server"

stage "package the extension, bundle the extension-host tests"
npm run -s package > .e2e/package.log 2>&1 || { tail -30 .e2e/package.log; exit 1; }
node test/e2e/build-exthost.mjs

fail=0
stage "UI test (workbench, language server, CodeLens run, viewer, trace editor)"
bash test/e2e/code-server.sh start "$ROOT/protocol-playground.vsix" "$ROOT/.e2e/ws-ui" "$PORT"
timeout 420 node test/e2e/ui.mjs "http://127.0.0.1:$PORT/?folder=$ROOT/.e2e/ws-ui" "$ROOT/.e2e/ws-ui" || fail=1
bash test/e2e/code-server.sh stop

stage "extension-host mocha suite (inside code-server's extension host)"
bash test/e2e/code-server.sh start none "$ROOT/.e2e/ws-exthost" "$PORT"
# (the workbench's own log noise about the unreachable open-vsx.org gallery is filtered out)
if ! timeout 420 node test/e2e/exthost.mjs "http://127.0.0.1:$PORT" "$ROOT/.e2e/ws-exthost" "$ROOT" "$ROOT/.e2e/exthost/index.cjs" 2>&1 \
    | { grep -v -E 'open-vsx\.org|^\s+at (async )?[A-Za-z$.]+ \(http' || true; }; then
  fail=1
fi
bash test/e2e/code-server.sh stop

stage "done ($( [ $fail -eq 0 ] && echo passed || echo FAILED ))"
exit $fail
