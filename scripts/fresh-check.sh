#!/usr/bin/env bash
# Does the README hold on a machine that has nothing but Debian 12 and Node.js 20? Builds a
# minimal bookworm root, puts a clone of the repository's committed HEAD in it and runs there,
# in private mount and PID namespaces, `npm test`, then `npm start` + `docker run --rm busybox
# echo hi`. Of the host only Node.js/npm, CA certificates, resolv.conf and ~/.npmrc go in: every
# other tool (runc, conmon, docker, gcc, git…) the project's own set-up has to install.
# Usage (as root): scripts/fresh-check.sh [repository]   (default: the one holding this script)
# shellcheck disable=SC2016  # the single-quoted scripts are expanded by the shells that run them
set -euo pipefail

start=$SECONDS
repo=$(git -C "${1:-$(dirname "$0")}" rev-parse --show-toplevel)
head=$(git -C "$repo" rev-parse HEAD)
cache=/var/cache/moorage-fresh     # the debootstrapped base, and the last run's logs
base=$cache/bookworm-base.tar
mirror=http://deb.debian.org/debian
inside_env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
            NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
# The engine mounts overlayfs inside the root, and overlayfs refuses an upper dir on overlayfs.
work=$(mktemp -d /var/tmp/moorage-fresh.XXXXXX)
[[ $(stat -f -c %T "$work") != overlayfs ]] || { echo "fresh-check: $work is on overlayfs" >&2; rmdir "$work"; exit 1; }
root=$work/root logs=$work/logs
mkdir -p "$cache" "$root" "$logs"

steps=()   # "name rc seconds", in order, for the summary
set -m     # each step in its own process group, so an interrupted run can end all of a step
step() {   # step NAME CMD…: runs CMD with its output in $logs/NAME.log, returns its status
  local name=$1 t=$SECONDS rc; shift
  step_name=$name step_start=$t
  echo "fresh-check: $name…" >&2
  # In the background, where set -e holds even though step is called from conditions (|| true),
  # and where a wait, unlike a foreground command, lets a signal's trap run at once.
  ( set -e; "$@" ) </dev/null >"$logs/$name.log" 2>&1 &
  step_pid=$!
  wait "$step_pid" && rc=0 || rc=$?
  step_pid=
  steps+=("$name $rc $((SECONDS - t))")
  return "$rc"
}

mounts_under() { awk -v w="$1" '$2 == w || index($2, w "/") == 1 { print $2 }' /proc/mounts; }

finish() {
  local rc=$? s name src secs
  # Interrupted: end the step. SIGKILL, as unshare --fork ignores SIGTERM; its end takes the
  # whole PID namespace with it.
  if [[ -n ${step_pid-} ]]; then
    kill -KILL -- "-$step_pid" 2>/dev/null || true; wait "$step_pid" || true
    steps+=("$step_name $rc $((SECONDS - step_start))")
  fi
  # Each namespace's end took its mounts with it; one still listed here would let rm walk into
  # the host's /sys or /dev, so it is unmounted first, and the directory kept if that fails.
  mounts_under "$work" | sort -r | xargs -r -n1 umount -l || true
  if [[ -n $(mounts_under "$work") ]]; then
    echo "fresh-check: mounts left under $work, not removing it:" >&2; mounts_under "$work" >&2; rc=1
  else
    { rm -rf "$cache/last-run" && mv "$logs" "$cache/last-run" && rm -rf --one-file-system "$work"; } || rc=1
  fi
  for s in "${steps[@]}"; do
    read -r name src secs <<<"$s"
    ((src == 0)) || rc=1   # steps after a failed one still run, so a failure is not always last
    printf '\n--- %s: %s in %ss; last lines of %s:\n' "$name" "$( ((src)) && echo "FAILED (exit $src)" || echo ok)" \
      "$secs" "$cache/last-run/$name.log"
    tail -n 20 "$cache/last-run/$name.log" 2>/dev/null | sed 's/^/    /'
    ((src == 0)) || grep -E '^ *not ok ' "$cache/last-run/$name.log" | sed 's/^ */    failed test: /' || true
  done
  printf '\n=== fresh-check %s: moorage %s from %s, %ss\n' "$( ((rc)) && echo FAIL || echo PASS)" \
    "${head:0:12}" "$repo" "$((SECONDS - start))"
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 129' HUP

debootstrap_base() {
  command -v debootstrap >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
  # In its own mount namespace, so the proc and sys debootstrap mounts cannot outlive it.
  unshare --mount --propagation private debootstrap --variant=minbase bookworm "$work/base" "$mirror"
  tar --numeric-owner --xattrs -cpf "$base.part" -C "$work/base" . && mv "$base.part" "$base"
  rm -rf --one-file-system "$work/base"
}

prepare_root() {
  tar --numeric-owner --xattrs -xpf "$base" -C "$root"   # a pristine copy every run
  # The sources of a standard install (debootstrap writes only the main suite).
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s-security bookworm-security main\n' \
    "$mirror" "$mirror" "$mirror" >"$root/etc/apt/sources.list"
  # The committed HEAD only: uncommitted work must not make a broken commit look good.
  git clone -q --no-hardlinks "$repo" "$root/root/moorage"
  [[ $(git -C "$root/root/moorage" rev-parse HEAD) == "$head" ]] ||
    { echo "the clone is not at $head"; return 1; }
  # Node.js 20 and npm as this machine has them (Debian's nodejs is 18); the headers are there
  # for ~/.npmrc's nodedir=/usr.
  mkdir -p "$root/usr/lib/node_modules" "$root/usr/include" "$root/etc/ssl" "$root/usr/local/share"
  cp -a /usr/bin/node /usr/bin/npm /usr/bin/npx "$root/usr/bin/"
  cp -a /usr/lib/node_modules/npm "$root/usr/lib/node_modules/"
  cp -a /usr/include/node "$root/usr/include/"
  # The CA bundle and its sources, so a ca-certificates installed by apt rebuilds the same bundle.
  cp -a /etc/ssl/certs "$root/etc/ssl/"
  cp -a /usr/share/ca-certificates "$root/usr/share/"
  [[ ! -d /usr/local/share/ca-certificates ]] || cp -a /usr/local/share/ca-certificates "$root/usr/local/share/"
  cp -L /etc/resolv.conf "$root/etc/resolv.conf"
  # debootstrap writes no /etc/hosts; the installer and cloud images do, and localhost needs it.
  printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
  [[ ! -f /root/.npmrc ]] || cp /root/.npmrc "$root/root/.npmrc"
  chroot "$root" /usr/bin/env -i "${inside_env[@]}" sh -c 'node --version && npm --version'
}

inside() {   # inside SCRIPT: runs bash SCRIPT in the root, in new mount and PID namespaces
  # --kill-child: if this script dies, the namespace's init is SIGKILLed, and with it everything.
  # pivot_root, not chroot: the root must be the mount namespace's own root, as on a booted
  # machine. Under a chroot the namespace's root stays the host's, and a process that joins a
  # container's mount namespace (runc exec) lands in the host's root instead of the container's.
  exec unshare --mount --propagation private --pid --fork --kill-child bash -euc '
    root=$1; shift
    mount --bind "$root" "$root"   # pivot_root needs the new root to be a mount point
    mount --rbind /dev "$root/dev"
    mount --rbind /sys "$root/sys"   # the cgroup hierarchies, v1 and unified, come with it
    mount -t proc proc "$root/proc"
    for d in run tmp dev/shm; do mount -t tmpfs tmpfs "$root/$d"; done
    mkdir -p "$root/.host"
    cd "$root"
    pivot_root . .host
    umount -l /.host && rmdir /.host
    exec /usr/bin/env -i "$@"' inside "$root" "${inside_env[@]}" bash -euo pipefail -c "$1"
}

# Prepended to each script run inside. We are alone in that PID namespace (bash is its init), so
# a process still there 10 s after a command ended is one the command left running.
left_check='
  left_check() {
    for ((i = 0; i < 20; i++)); do
      left=()
      for d in /proc/[0-9]*; do
        [[ ${d#/proc/} == 1 ]] || { mapfile -d "" -t argv 2>/dev/null <"$d/cmdline" && left+=("${d#/proc/} ${argv[*]}"); } || true
      done
      ((${#left[@]})) || return 0
      sleep 0.5
    done
    echo "still running 10 s after $1 ended (pid argv):"; printf "  %s\n" "${left[@]}"; return 1
  }'

[[ -f $base ]] || step debootstrap debootstrap_base
step prepare prepare_root
# Both README commands are tried even if the first fails: each failure is a finding.
step npm-test inside "$left_check"'
  cd /root/moorage
  timeout 45m npm test && rc=0 || rc=$?
  left_check "npm test"; exit "$rc"' || true
step npm-start inside "$left_check"'
  cd /root/moorage
  sock=unix:///run/moorage/moorage.sock
  npm start -- -H "$sock" > >(sed -u "s/^/[engine] /") 2>&1 &
  engine=$!
  for ((i = 0; ; i++)); do   # npm start runs the set-up first: quick, npm test has done it
    docker -H "$sock" version >/dev/null 2>&1 && break
    kill -0 "$engine" 2>/dev/null || { wait "$engine" && rc=0 || rc=$?; echo "npm start exited ($rc)"; exit 1; }
    ((i < 120)) || { echo "the engine did not answer on $sock within 60 s"; exit 1; }
    sleep 0.5
  done
  docker --version
  out=$(docker -H "$sock" run --rm busybox echo hi)
  echo "docker run --rm busybox echo hi printed: $out"
  [[ $out == hi ]]
  kill -TERM "$engine"   # what a supervisor does; the engine must stop, not just npm
  for ((i = 0; i < 60; i++)); do kill -0 "$engine" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$engine" 2>/dev/null && { echo "npm start still running 30 s after SIGTERM"; exit 1; }
  wait "$engine" && rc=0 || rc=$?
  echo "npm start exited with $rc after SIGTERM"
  left_check "npm start"' || true
