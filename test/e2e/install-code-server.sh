#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3 as a server + web workbench) from npm
# into a git-ignored folder, with no download from anywhere but the npm
# registry (see ../shared/E2E.md):
#  - @vscode/ripgrep's postinstall fetches rg from GitHub: its download cache
#    is seeded with Debian's rg first;
#  - the postinstall refuses root without npm_config_unsafe_perm=true;
#  - node-pty's postinstall runs `npx node-gyp`, which needs npm_config_yes=true
#    without a TTY.
# Usage: install-code-server.sh [DIR]   (default .e2e/code-server; binary DIR/node_modules/.bin/code-server)
set -euo pipefail
DIR=${1:-$(pwd)/.e2e/code-server}
VERSION=${CODE_SERVER_VERSION:-4.100.3}
BIN="$DIR/node_modules/.bin/code-server"
if [ -x "$BIN" ]; then echo "code-server already installed in $DIR"; exit 0; fi

missing=()
for p in chromium fonts-dejavu-core ripgrep libkrb5-dev build-essential python3 curl; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
( cd "$work" && npm pack "code-server@$VERSION" --silent >/dev/null && tar xzf code-server-*.tgz package/lib/vscode/npm-shrinkwrap.json )
rg_version=$(node -p "require('$work/package/lib/vscode/npm-shrinkwrap.json').packages['node_modules/@vscode/ripgrep'].version")
( cd "$work" && npm pack "@vscode/ripgrep@$rg_version" --silent >/dev/null && tar xzf "vscode-ripgrep-$rg_version.tgz" package/lib/postinstall.js )
rg_tag=$(sed -n "s/^const VERSION = '\(.*\)';.*/\1/p" "$work/package/lib/postinstall.js")
cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$rg_version"
mkdir -p "$cache"
cp "$(command -v rg)" "$work/rg"
tar czf "$cache/ripgrep-$rg_tag-x86_64-unknown-linux-musl.tar.gz" -C "$work" rg

mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{ "private": true }' > package.json
if ! npm_config_unsafe_perm=true npm_config_yes=true \
    npm install "code-server@$VERSION" --foreground-scripts --no-audit --no-fund --loglevel=error > install.log 2>&1; then
  tail -40 install.log
  exit 1
fi
"$BIN" --version --config /dev/null 2>/dev/null | tail -1
