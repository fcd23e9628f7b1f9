#!/usr/bin/env bash
# Runs every test of TalentOne on a fresh machine.
#  - installs what the browser tests need (Debian's Chromium and a CJK font) when missing;
#  - the PostgreSQL tests start their own throwaway server from /usr/lib/postgresql/15/bin
#    (initdb into a temp folder, 127.0.0.1 on a free port, stopped afterwards);
#  - then runs `dotnet test` for the whole solution (SQLite and PostgreSQL, API, browser, catalog cases).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy" || need_apt+=(fonts-wqy-microhei)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} (browser tests)…"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [ ! -x /usr/lib/postgresql/15/bin/initdb ] && ! command -v initdb >/dev/null; then
  echo "PostgreSQL 15 server binaries are missing: installing postgresql-15…"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql-15 >/dev/null
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build TalentOne.sln -c Release -nologo -v quiet
dotnet test TalentOne.sln -c Release --no-build -nologo --logger "console;verbosity=normal" "$@"
