#!/usr/bin/env bash
# `npm test` needs two programs npm does not install: Chromium (browser tests) and PostgreSQL's
# server binaries (tests start their own cluster). Installs Debian's packages when it can (root
# with apt-get); otherwise stops with one line saying what to run.
set -euo pipefail

missing=()

chromium="${PIPEBOOK_CHROMIUM:-/usr/bin/chromium}"
# "playwright": the browser Playwright downloads itself; nothing to check here.
if [ "$chromium" != "playwright" ] && [ ! -x "$chromium" ]; then
  if [ -n "${PIPEBOOK_CHROMIUM:-}" ]; then
    echo "pipebook: PIPEBOOK_CHROMIUM=$PIPEBOOK_CHROMIUM is not an executable file; point it at Chromium or Chrome, or unset it" >&2
    exit 1
  fi
  missing+=(chromium)
fi

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  missing+=(postgresql)
fi

[ ${#missing[@]} -eq 0 ] && exit 0

command="apt-get update && apt-get install -y ${missing[*]}"
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "pipebook: the tests need ${missing[*]}: run \`sudo sh -c '$command'\` (or set PIPEBOOK_CHROMIUM to a Chrome binary), then npm test again" >&2
  exit 1
fi

echo "pipebook: installing ${missing[*]} for the tests (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
