#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (test/browser/chromium.ts; CHROMIUM_PATH overrides
# /usr/bin/chromium). `npm test` runs this first, so the README's one command works on a fresh
# machine: present → nothing to do; missing → `apt-get install -y chromium` when this machine can
# (Debian's apt, as root or through password-less sudo); otherwise one line saying how, and exit 1.
# `--dry-run` prints the install commands instead of running them.
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[[ -x "$chromium" ]] && exit 0

how="Chromium not found at $chromium: install it with \`apt-get install -y chromium\` (as root), or set CHROMIUM_PATH"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else echo "$how" >&2; exit 1; fi
fi
command -v apt-get >/dev/null || { echo "$how" >&2; exit 1; }

run() { if [[ "${1:-}" == --dry-run ]]; then shift; echo "would run: $*"; else "$@"; fi; }
dry=()
[[ "${1:-}" == --dry-run ]] && dry=(--dry-run)

echo "Chromium not found at $chromium; installing Debian's chromium for the browser tests" >&2
run "${dry[@]}" "${sudo[@]}" apt-get update -q
run "${dry[@]}" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
[[ ${#dry[@]} -gt 0 || -x "$chromium" ]] || { echo "$how" >&2; exit 1; }
