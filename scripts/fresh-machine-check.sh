#!/usr/bin/env bash
# Try the README's two commands as a new user would: a brand-new Debian root (mmdebstrap), a
# fresh clone, a clean environment, as root. Prints each command's exit code, wall time and
# the disk it used; exit 0 only when both commands succeed.
#
#   scripts/fresh-machine-check.sh bookworm|trixie [REPO [REF]]
#
# REPO is the git repository to clone (default: this checkout), REF the commit or branch
# (default: REPO's HEAD; committed work only). Needs root, unshare and mmdebstrap
# (apt-get install mmdebstrap). Settings from the environment:
#   WORKDIR=/var/tmp   where the root and the logs go; KEEP=1 keeps the root afterwards
#   VARIANT=minbase    mmdebstrap variant (minbase is what a Debian container image has)
#   MIRROR=… SECURITY_MIRROR=…   the archive (default: the one this host's apt sources use)
#
# What the host needs to reach package indexes comes along into the root: the proxy variables,
# apt's proxy and TLS settings, the CA certificates under /usr/local/share/ca-certificates,
# pip's system configuration (/etc/pip.conf, /etc/xdg/pip) and PIP_* variables, and variables
# naming a CA bundle (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, ...). Files they name are copied to the
# same path. Local wheel folders and file:// indexes are not: they are this host's, not a network.
set -euo pipefail

usage() { echo "usage: $0 bookworm|trixie [REPO [REF]]" >&2; exit 2; }
say() { echo "fresh-machine-check: $*"; }
die() { echo "fresh-machine-check: $*" >&2; exit 2; }

release=${1:-}
case "$release" in bookworm | trixie) ;; *) usage ;; esac
command -v git >/dev/null || die "git is missing; as root run: apt-get install -y git"
repo=$(cd "${2:-$(dirname "$0")/..}" && pwd) || die "no folder ${2:-}"
ref=${3:-HEAD}
commit=$(git -C "$repo" rev-parse --verify --quiet "$ref^{commit}") \
  || die "$repo has no commit '$ref'"
[ "$(id -u)" = 0 ] || die "run as root (mmdebstrap, chroot and mounts need it)"
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing; as root run: apt-get install -y mmdebstrap"
command -v unshare >/dev/null || die "unshare is missing; as root run: apt-get install -y util-linux"
name=$(basename "$(git -C "$repo" rev-parse --show-toplevel)")

# --- the archive this host uses ----------------------------------------------------------
# apt's own view of the configured sources (after apt-get update), else the URIs in the files.
host_uri() {  # LABEL: the Repo-URI of the host's index targets with that Release label
  # shellcheck disable=SC2016  # apt's own $(FIELD) placeholders
  apt-get indextargets --format '$(ORIGIN)|$(LABEL)|$(REPO_URI)' 2>/dev/null \
    | awk -F'|' -v label="$1" '$1 == "Debian" && $2 == label { print $3; exit }'
}
source_uri() {  # SUFFIX: a URI ending in /SUFFIX in /etc/apt/sources.list{,.d/*.list,.d/*.sources}
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
      2>/dev/null | grep -v '^[[:space:]]*#' | grep -oE '[a-z+]+://[^ ]+' \
    | sed 's#/*$##' | grep -m1 -E "/$1\$" || true
}
mirror=${MIRROR:-$(host_uri Debian)}
mirror=${mirror:-$(source_uri debian)}
security=${SECURITY_MIRROR:-$(host_uri Debian-Security)}
security=${security:-$(source_uri debian-security)}
[ -n "$mirror" ] || die "no Debian archive in this host's apt sources; set MIRROR=URL"
mirror=${mirror%/}
security=${security%/}

# --- where the host's network settings are -----------------------------------------------
carried_env=()   # NAME=VALUE passed into the root
carried_files=() # host files copied to the same path in the root
for var in http_proxy https_proxy ftp_proxy all_proxy no_proxy \
           HTTP_PROXY HTTPS_PROXY FTP_PROXY ALL_PROXY NO_PROXY \
           SSL_CERT_FILE SSL_CERT_DIR REQUESTS_CA_BUNDLE CURL_CA_BUNDLE \
           UV_NATIVE_TLS UV_INDEX_URL UV_DEFAULT_INDEX UV_EXTRA_INDEX_URL UV_INSECURE_HOST \
           $(compgen -e | grep -E '^PIP_' || true); do
  value=${!var:-}
  [ -n "$value" ] || continue
  case "$var:$value" in
    PIP_FIND_LINKS:* | PIP_NO_INDEX:* | *:file:*) say "not carried: $var=$value (local to this host)"; continue ;;
  esac
  [[ $value == /* && -f $value ]] && carried_files+=("$value")
  carried_env+=("$var=$value")
done
pip_configs=()
for f in /etc/pip.conf /etc/xdg/pip/pip.conf; do
  [ -f "$f" ] || continue
  pip_configs+=("$f")
  # Files the configuration names (cert, client-cert, constraint, requirement).
  while read -r path; do
    [ -f "$path" ] && carried_files+=("$path")
  done < <(sed -nE 's/^[[:space:]]*(cert|client-cert|constraint|requirement)[[:space:]]*=[[:space:]]*//p' "$f" \
             | tr ' ' '\n' | grep '^/' || true)
done
# apt: proxy and TLS settings, and whether a (snapshot) mirror's dated Release files are
# accepted, as apt-config prints them (valid apt.conf lines).
mapfile -t apt_lines < <(apt-config dump 2>/dev/null \
  | grep -E '^Acquire::([A-Za-z]+::)?(Proxy|Proxy-Auto-Detect|CaInfo|CaPath|Verify-Peer|Verify-Host|SslCert|SslKey|Check-Valid-Until|Check-Date)\b' \
  || true)
mapfile -t host_cas < <(find /usr/local/share/ca-certificates -type f -name '*.crt' 2>/dev/null | sort)

# --- the root -----------------------------------------------------------------------------
workdir=${WORKDIR:-/var/tmp}
mkdir -p "$workdir"
root=$(mktemp -d "$workdir/fresh-$release.XXXXXX")
logs=$root.logs
mkdir -p "$logs"

cleanup() {
  local status=$? mnt
  # Mounts are made in a private mount namespace and vanish with it; anything left is undone here.
  while read -r mnt; do
    umount -l "$mnt" 2>/dev/null || true
  done < <(awk -v r="$root" 'index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r)
  if [ "${KEEP:-0}" = 1 ]; then
    say "root kept in $root"
  elif ! awk -v r="$root" 'index($2, r "/") == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
    rm -rf --one-file-system "$root"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mb() { du -sx --block-size=1M "$root" | cut -f1; }

say "building a $release root (${VARIANT:-minbase}) from $mirror in $root"
aptopts=()
for line in "${apt_lines[@]}"; do aptopts+=(--aptopt="$line"); done
sources=("deb $mirror $release main" "deb $mirror $release-updates main")
[ -z "$security" ] || sources+=("deb $security $release-security main")
t0=$SECONDS
mmdebstrap --quiet --variant="${VARIANT:-minbase}" --include=ca-certificates \
  "${aptopts[@]}" "$release" "$root" "${sources[@]}" >"$logs/mmdebstrap.log" 2>&1 \
  || { tail -20 "$logs/mmdebstrap.log" >&2; die "mmdebstrap failed (log: $logs/mmdebstrap.log)"; }
bootstrap_time=$((SECONDS - t0))

# Carry the network settings in.
for ca in "${host_cas[@]}"; do
  install -D -m 0644 "$ca" "$root${ca}"
done
for f in "${pip_configs[@]}" "${carried_files[@]}"; do
  [ -e "$root$f" ] || install -D -m 0644 "$f" "$root$f"
done
if [ ${#host_cas[@]} -gt 0 ]; then
  chroot "$root" update-ca-certificates >"$logs/ca.log" 2>&1 \
    || { cat "$logs/ca.log" >&2; die "update-ca-certificates failed in the root"; }
fi
say "carried: ${#host_cas[@]} CA certificate(s), apt: $(printf '%s ' "${apt_lines[@]%% *}")pip config: ${pip_configs[*]:-none}, variables: $(printf '%s ' "${carried_env[@]%%=*}")"

# The repository, as a new user clones it.
dest=/root/$name
git clone --quiet --no-hardlinks "$repo" "$root$dest"
git -C "$root$dest" -c advice.detachedHead=false checkout --quiet "$commit" 2>/dev/null || {
  git -C "$root$dest" fetch --quiet "$repo" "$commit"
  git -C "$root$dest" -c advice.detachedHead=false checkout --quiet "$commit"
}
base_mb=$(mb)

# Run COMMAND in the root: own mount and PID namespaces (mounts and stray processes end with
# it), /proc, /sys, /dev/pts, /dev/shm and /tmp mounted, a clean environment, as root.
inside() {
  # shellcheck disable=SC2016  # the inner script's variables are its own
  unshare --mount --propagation private --pid --fork --kill-child -- /bin/sh -ec '
    root=$1; shift
    mount -t proc proc "$root/proc"
    mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"
    mkdir -p "$root/dev/pts" "$root/dev/shm"
    mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
    [ -L "$root/dev/ptmx" ] || { rm -f "$root/dev/ptmx"; ln -s pts/ptmx "$root/dev/ptmx"; }
    mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/dev/shm"
    mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"
    exec chroot "$root" "$@"
  ' sh "$root" /usr/bin/env -i HOME=/root USER=root LOGNAME=root SHELL=/bin/bash \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "${carried_env[@]}" \
      /bin/bash -c "cd $dest && $1"
}

commands=(
  "scripts/setup.sh && .venv/bin/pipeline publish --lang es"
  "scripts/test.sh"
)
codes=() times=() disks=()
for i in "${!commands[@]}"; do
  cmd=${commands[$i]}
  log=$logs/step$((i + 1)).log
  say "\$ $cmd   (log: $log)"
  before=$(mb)
  t0=$(date +%s.%N)
  set +e
  inside "$cmd" 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  set -e
  t1=$(date +%s.%N)
  codes+=("$code")
  times+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')")
  disks+=($(($(mb) - before)))
done

echo
say "Debian $release ($(cat "$root/etc/debian_version")), commit ${commit:0:12}," \
  "${VARIANT:-minbase} root with the clone: $base_mb MB (built in ${bootstrap_time} s)"
printf '%-60s %5s %8s %9s\n' command exit time disk
for i in "${!commands[@]}"; do
  printf '%-60s %5s %6s s %6s MB\n' "${commands[$i]}" "${codes[$i]}" "${times[$i]}" "${disks[$i]}"
done
printf '%-60s %5s %8s %6s MB\n' "root afterwards" "" "" "$(mb)"
[ "${codes[0]}" = 0 ] && [ "${codes[1]}" = 0 ]
