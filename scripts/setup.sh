#!/usr/bin/env bash
# Installs what moorage needs on a Debian 12 host and builds moorage-init.
# Idempotent and quick when everything is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for pair in runc:runc conmon:conmon busybox-static:/bin/busybox crun:crun tini-static:tini-static gcc:gcc make:make; do
  pkg=${pair%%:*} bin=${pair#*:}
  if [[ $bin == /* ]]; then
    # busybox-static ships /bin/busybox; the dynamic busybox package uses the same path, so ask dpkg.
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
  else
    command -v "$bin" >/dev/null 2>&1 || need+=("$pkg")
  fi
done
# tini-static is only used by tests that compare moorage-init with tini; libc6-dev gives a static libc.
dpkg -s libc6-dev >/dev/null 2>&1 || need+=(libc6-dev)
if ((${#need[@]})); then
  echo "setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# npm dependencies: install when missing or when the lock file changed since the last install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing npm dependencies" >&2
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

# moorage-init: make rebuilds only when a source changed.
if [[ -f init/Makefile ]]; then
  make -s -C init >/dev/null
fi
