#!/usr/bin/env bash
# Compiles src/ into dist/ with tsc, only when a source (or the compiler's settings) changed
# since the last build: the stamp is a digest of the commit and every source's path, size and mtime.
set -euo pipefail
cd "$(dirname "$0")/.."
# Test processes may ask for a build at the same time: one builds, the others then find it done.
exec 9>.build.lock
flock 9
stamp=dist/.stamp
sig=$( { git rev-parse HEAD 2>/dev/null || true; find src tsconfig.json tsconfig.build.json package-lock.json -type f -printf '%p %s %T@\n' | sort; } | sha256sum | cut -d' ' -f1)
if [[ -f $stamp && $(<"$stamp") == "$sig" ]]; then exit 0; fi
echo "setup: compiling the TypeScript sources into dist/" >&2
rm -rf dist
node_modules/.bin/tsc -p tsconfig.build.json
# The CLI as one file: a client verb then loads one module instead of forty (about 30 ms of
# every command's start-up). The engine (serve.js, loaded by the daemon verb) stays outside.
node_modules/.bin/esbuild dist/cli/main.js --bundle --platform=node --format=esm --log-level=warning \
  --outfile=dist/cli/main.bundle.mjs --external:../serve.js \
  --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
printf '{"commit":"%s"}\n' "$commit" >dist/build.json
echo "$sig" >"$stamp"
