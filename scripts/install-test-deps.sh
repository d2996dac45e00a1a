#!/usr/bin/env bash
# Installs the Debian packages the tests need (the browser tests drive
# Debian's chromium through playwright-core; a test tool's own browser
# download does not work offline). Does nothing when they are present.
set -euo pipefail
need=()
for p in chromium fonts-dejavu-core; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
