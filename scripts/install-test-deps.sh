#!/usr/bin/env bash
# Installs the Debian packages the tests need, and nothing when they are there:
#  - chromium (+ a font): the viewer's browser tests and the VS Code UI test
#    drive Debian's chromium through playwright-core (a test tool's own
#    browser download cannot work offline);
#  - ripgrep, libkrb5-dev, build-essential, python3, curl: installing
#    code-server (a real VS Code for the e2e tests) from npm builds native
#    modules and needs a local rg (see test/e2e/install-code-server.sh).
set -euo pipefail
need=()
for p in chromium fonts-dejavu-core ripgrep libkrb5-dev build-essential python3 curl; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing Debian packages: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
