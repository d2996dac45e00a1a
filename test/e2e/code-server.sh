#!/usr/bin/env bash
# Starts or stops a throwaway code-server for the e2e tests.
#   code-server.sh start <vsix|none> <workspace> [port]   (state under $E2E_STATE, default .e2e/state)
#   code-server.sh stop
# Its state (user data, extensions, XDG folders, config with "auth: none")
# lives under $E2E_STATE, never in the home folder. It runs in its own
# process group (setsid), so `stop` ends the server, its extension hosts and
# its file watchers together.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${E2E_STATE:-$ROOT/.e2e/state}
BIN=${CODE_SERVER_BIN:-$ROOT/.e2e/code-server/node_modules/.bin/code-server}

stop() {
  [ -f "$STATE/cs.pid" ] || return 0
  local pid; pid=$(cat "$STATE/cs.pid")
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.25; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$STATE/cs.pid"
}

start() {
  local vsix=${1:?vsix or none} ws=${2:?workspace} port=${3:-8765}
  stop
  rm -rf "$STATE"
  mkdir -p "$STATE/user-data/User" "$STATE/extensions"
  export XDG_DATA_HOME="$STATE/xdg-data" XDG_CONFIG_HOME="$STATE/xdg-config"
  cat > "$STATE/user-data/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "workbench.enableExperiments": false,
  "workbench.tips.enabled": false,
  "chat.commandCenter.enabled": false,
  "git.enabled": false
}
JSON
  echo "auth: none" > "$STATE/config.yaml"
  local common=(--config "$STATE/config.yaml" --user-data-dir "$STATE/user-data" --extensions-dir "$STATE/extensions")
  if [ "$vsix" != none ]; then "$BIN" "${common[@]}" --install-extension "$vsix" >> "$STATE/install.log" 2>&1; fi
  setsid "$BIN" "${common[@]}" --bind-addr "127.0.0.1:$port" --auth none \
    --disable-telemetry --disable-update-check --disable-workspace-trust \
    --disable-getting-started-override "$ws" > "$STATE/cs.log" 2>&1 < /dev/null &
  echo $! > "$STATE/cs.pid"
  for _ in $(seq 1 240); do
    if curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then echo "code-server up on :$port"; return 0; fi
    sleep 0.25
  done
  echo "code-server did not start"; tail -40 "$STATE/cs.log"; return 1
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) stop ;;
  *) echo "usage: code-server.sh start <vsix|none> <workspace> [port] | stop"; exit 2 ;;
esac
