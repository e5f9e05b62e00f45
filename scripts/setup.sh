#!/usr/bin/env bash
# Installs what moorage and its tests need on a Debian 12 host, builds moorage-init and compiles
# the TypeScript. Idempotent, and quick when everything is already there. Packages are checked
# by name with dpkg (a binary found elsewhere on PATH proves nothing about a fresh machine),
# then every file moorage uses is checked to be really there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian package -> the file of it that moorage or its tests use.
declare -A FILES=(
  [runc]=/usr/sbin/runc
  [conmon]=/usr/bin/conmon
  [crun]=/usr/bin/crun
  [busybox-static]=/bin/busybox     # the embedded busybox image
  [tini]=/usr/bin/tini-static       # only for the tests that compare moorage-init with tini
  [gcc]=/usr/bin/gcc
  [make]=/usr/bin/make
  [libc6-dev]=/usr/include/stdio.h  # with gcc: a static libc for moorage-init
  [git]=/usr/bin/git                # the build stamp; scripts/fresh-check.sh
  [attr]=/usr/bin/getfattr          # tests read extended attributes of unpacked layers
  [procps]=/bin/ps                  # docker top runs the host's ps
  [netavark]=/usr/lib/podman/netavark          # container networks: bridge, veth, firewall, ports
  [aardvark-dns]=/usr/lib/podman/aardvark-dns  # the DNS server netavark runs for named networks
  [iptables]=/usr/sbin/iptables     # netavark's firewall driver runs it
  [iproute2]=/usr/sbin/ip           # network namespaces (ip netns add/delete)
  [util-linux]=/usr/bin/flock       # serialises netavark runs of concurrent engines
  [docker-compose]=/usr/bin/docker-compose  # the compose tests drive Debian's compose 1.29
)

installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == 'install ok installed' ]]; }

need=()
for pkg in "${!FILES[@]}"; do
  installed "$pkg" || need+=("$pkg")
done
# The tests drive the docker CLI. Debian's docker.io brings one (and a dockerd that must not
# start); a docker CLI already on PATH is used as it is.
docker_from_debian=0
if ! command -v docker >/dev/null 2>&1; then
  need+=(docker.io)
  docker_from_debian=1
fi

if ((${#need[@]})); then
  echo "setup: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Keep package scripts from starting daemons (docker.io's dockerd, containerd) while installing.
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
  fi
  trap '((made_policy)) && rm -f "$policy"' EXIT
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

missing=()
for pkg in "${!FILES[@]}"; do
  [[ -e ${FILES[$pkg]} ]] || missing+=("${FILES[$pkg]} (package $pkg)")
done
command -v docker >/dev/null 2>&1 || missing+=("docker (package docker.io)")
[[ -f $(gcc -print-file-name=libc.a) ]] || missing+=("a static libc.a (package libc6-dev)")
if ((${#missing[@]})); then
  printf 'setup: still missing after installing: %s\n' "${missing[@]}" >&2
  exit 1
fi
if ((docker_from_debian)); then
  # Only the CLI is wanted: a dockerd left running by the package would shadow nothing of ours,
  # but it is not ours to run.
  if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
    systemctl disable --now docker.service docker.socket containerd.service >/dev/null 2>&1 || true
  fi
fi

# npm dependencies: installed when missing or when the lock file changed since the last install.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing npm dependencies" >&2
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

# moorage-init: make rebuilds only when a source changed.
make -s -C init >/dev/null

# The engine and the CLI run compiled JavaScript (dist/); compiled again only when a source changed.
bash scripts/build.sh
