#!/usr/bin/env bash
# What `npm test` needs beside npm packages: Debian's Chromium (Playwright drives /usr/bin/chromium,
# it never downloads a browser), redis-server (the tests start their own on a free port) and CJK
# fonts for the zh-CN screenshots. Installs the missing ones with apt (as root), else says what to install.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
fc-list 2>/dev/null | grep -qi 'noto sans cjk' || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "npm test needs: ${need[*]}. Install them (Debian/Ubuntu: sudo apt-get install -y ${need[*]}) and run it again." >&2
  exit 1
fi
echo "installing: ${need[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
