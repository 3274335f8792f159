#!/usr/bin/env bash
# Builds every module, runs every test and compiles the examples.
set -euo pipefail
cd "$(dirname "$0")"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
exec mvn -B -ntp verify "$@"
