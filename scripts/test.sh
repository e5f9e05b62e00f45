#!/usr/bin/env bash
# Runs moorage's whole test suite: type check, unit tests, integration tests against real daemons.
# Called by `npm test` after scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p .
# Node 20 discovers only .js test files, so the .ts files are listed here.
mapfile -t files < <(find src test init -name '*.test.ts' -not -path '*/node_modules/*' | sort)
exec node --import tsx --test --test-concurrency=4 --test-timeout=180000 "${files[@]}"
