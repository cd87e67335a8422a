#!/usr/bin/env bash
# Build the container image with podman, on a machine where no container registry may be
# reachable.
#
#   scripts/image.sh build   the base image if it is missing (see `base`), then the app image
#                            from deploy/Containerfile; prints the build time and the sizes
#   scripts/image.sh base    only the base image: a Debian rootfs made with debootstrap
#                            (variant minbase, slimmed like the registry's -slim images) and
#                            imported under the name the Containerfile's FROM uses
#   scripts/image.sh size    the sizes of the image and of its base
#
# Variables:
#   IMAGE                  the tag to build (localhost/atelier:dev)
#   BASE                   the base image, passed as the build argument BASE
#                          (debian:bookworm-slim; made locally as localhost/debian:bookworm-slim)
#   ATELIER_IMAGE_CACHE    where the debootstrapped rootfs tarball is kept, so that the base is
#                          made once per machine (/var/cache/atelier-image)
#   BUILD_CA_BUNDLE        a CA bundle handed to the build as the secret `ca`, for a network
#                          behind a TLS-intercepting proxy (/etc/ssl/certs/ca-certificates.crt
#                          when present); it is mounted for pip only and never stored in a layer
#   PIP_INDEX_URL_BUILD    the package index pip uses inside the build (https://pypi.org/simple)
#   PODMAN_BUILD_ARGS      more arguments for `podman build` (e.g. --no-cache)
set -euo pipefail
cd "$(dirname "$0")/.."

cmd=${1:-build}
image=${IMAGE:-localhost/atelier:dev}
base=${BASE:-debian:bookworm-slim}
cache=${ATELIER_IMAGE_CACHE:-/var/cache/atelier-image}
ca=${BUILD_CA_BUNDLE-/etc/ssl/certs/ca-certificates.crt}
log() { printf '[image] %s\n' "$*" >&2; }
work=""
trap '[ -z "$work" ] || rm -rf "$work"' EXIT

# A name without a registry part is what podman finds locally under localhost/.
case "$base" in
  */*.*/* | *.*/* | localhost/*) base_ref=$base ;;
  *) base_ref=localhost/$base ;;
esac
# The Debian release to debootstrap: from the tag (debian:bookworm-slim -> bookworm).
suite=${ATELIER_BASE_SUITE:-$(printf '%s' "${base##*:}" | sed 's/-slim$//')}
arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
# Bump when the recipe below changes, so that an old cached rootfs is not reused.
recipe=2
tarball=$cache/debian-$suite-slim-$arch-r$recipe.tar.gz

mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
size_of() { podman image inspect --format '{{.Size}}' "$1"; }

make_rootfs() {  # debootstrap minbase, then what the registry's -slim variant leaves out
  local root=$1
  command -v debootstrap >/dev/null || { log "debootstrap is not installed (apt-get install debootstrap)"; exit 1; }
  log "debootstrap --variant=minbase $suite (about a minute)"
  debootstrap --variant=minbase --arch="$arch" "$suite" "$root" http://deb.debian.org/debian \
    >"$root.log" 2>&1 || { tail -30 "$root.log" >&2; exit 1; }
  # No docs, man pages or translations, now or from later apt-get installs (as in -slim).
  cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/man/*
CFG
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  rm -rf "$root"/usr/share/{groff,info,linda,lintian,man}/*
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
  echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
  printf 'Acquire::GzipIndexes "true";\nAcquire::CompressionTypes::Order:: "gz";\n' \
    >"$root/etc/apt/apt.conf.d/docker-gzip-indexes"
  printf 'Apt::AutoRemove::SuggestsImportant "false";\n' \
    >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
  rm -f "$root/etc/apt/sources.list"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<CFG
Types: deb
URIs: http://deb.debian.org/debian
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
CFG
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/apt/*.bin
  rm -rf "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old "$root"/var/log/* "$root"/tmp/*
  rm -f "$root/etc/hostname" "$root/etc/resolv.conf"
  : >"$root/etc/machine-id"
}

ensure_base() {
  if podman image exists "$base_ref"; then
    return 0
  fi
  if [ ! -s "$tarball" ]; then
    mkdir -p "$cache"
    work=$(mktemp -d "$cache/rootfs.XXXXXX")
    make_rootfs "$work/rootfs"
    tar --numeric-owner -C "$work/rootfs" -c . | gzip -1 >"$tarball.tmp"
    mv "$tarball.tmp" "$tarball"
    rm -rf "$work"; work=""
    log "rootfs cached in $tarball"
  else
    log "rootfs from the cache: $tarball"
  fi
  podman import --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    "$tarball" "$base_ref" >/dev/null
  log "base image $base_ref: $(mb "$(size_of "$base_ref")")"
}

build() {
  ensure_base
  local args=(--isolation=chroot --build-arg "BASE=$base" -f deploy/Containerfile -t "$image")
  if [ -n "$ca" ] && [ -s "$ca" ]; then
    args+=(--secret "id=ca,src=$ca")
  fi
  if [ -n "${PIP_INDEX_URL_BUILD:-}" ]; then
    args+=(--build-arg "PIP_INDEX_URL=$PIP_INDEX_URL_BUILD")
  fi
  # shellcheck disable=SC2206
  args+=(${PODMAN_BUILD_ARGS:-})
  local started ended
  started=$(date +%s.%N)
  podman build "${args[@]}" .
  ended=$(date +%s.%N)
  log "built $image in $(awk -v a="$started" -v b="$ended" 'BEGIN { printf "%.0f", b - a }') s"
  sizes
}

sizes() {
  local total base_size
  total=$(size_of "$image")
  base_size=$(size_of "$base_ref")
  log "image $image: $(mb "$total") in all, $(mb $((total - base_size))) over its base $base_ref ($(mb "$base_size"))"
}

case "$cmd" in
  build) build ;;
  base) ensure_base ;;
  size) sizes ;;
  *) echo "usage: $0 build|base|size" >&2; exit 2 ;;
esac
