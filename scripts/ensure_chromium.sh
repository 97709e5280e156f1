#!/usr/bin/env bash
# The browser tests drive Debian's Chromium. Install it when it is missing and we may
# (root, apt-get present); otherwise say so: CI fails rather than skipping the browser tests.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq
  # libharfbuzz-subset0 comes with chromium; named too because WeasyPrint needs it for letters
  # that are the same bytes from one render to the next (without it, fontTools subsets the
  # fonts and stamps them with the time: tests/demo/test_year_seed.py). The Dockerfile has it.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libharfbuzz-subset0 >/dev/null
  exit 0
fi
echo "chromium is not installed and cannot be installed here: browser tests will be skipped." >&2
if [ "${CI:-}" = "true" ]; then
  exit 1
fi
