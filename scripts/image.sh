#!/usr/bin/env bash
# Builds the eksaccess and eks-emulator images from ./Containerfile with
# podman, daemonless and without a registry (FROM scratch): static binaries
# for each platform, the build host's CA certificates, a non-root user.
# The context is laid out as goreleaser's dockers_v2 lays it for a release.
#
# Usage: scripts/image.sh [TAG]      (default TAG: dev)
# Makes, in podman's local storage, for NAME in eksaccess and eks-emulator:
#   localhost/NAME:TAG-ARCH  one image per platform (ARCH: amd64, arm64)
#   localhost/NAME:TAG       a manifest list of them, as a release pushes
# Environment: PLATFORMS (default "linux/amd64 linux/arm64"), VERSION,
# COMMIT, DATE (the binaries' and labels' version, as make build sets them),
# GO (default go), CONTAINERS_CONF (default image/containers.conf).
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-dev}
platforms=${PLATFORMS:-linux/amd64 linux/arm64}
version=${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}
commit=${COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}
date=${DATE:-$(date -u -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)" +%Y-%m-%dT%H:%M:%SZ)}
GO=${GO:-go}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$PWD/image/containers.conf}
certs=/etc/ssl/certs/ca-certificates.crt

fail() {
	echo "image: $*" >&2
	exit 1
}
command -v podman >/dev/null || fail "podman is not installed (Debian: apt-get install podman runc)"
[ -s "$certs" ] || fail "no $certs (Debian: apt-get install ca-certificates)"
# overlay needs a kernel and a mount namespace that allow it; vfs works anywhere
if ! podman info >/dev/null 2>&1; then
	export STORAGE_DRIVER=vfs
	podman info >/dev/null || fail "podman does not run here (see podman info)"
	echo "image: podman's overlay storage does not work here: using vfs"
fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
mkdir -p "$ctx/image"
cp image/passwd image/group "$ctx/image/"
cp "$certs" "$ctx/image/ca-certificates.crt"
ldflags="-s -w -X main.version=$version -X main.commit=$commit -X main.date=$date"
for p in $platforms; do
	for bin in eksaccess eks-emulator; do
		CGO_ENABLED=0 GOOS=${p%/*} GOARCH=${p#*/} "$GO" build -trimpath -ldflags "$ldflags" -o "$ctx/$p/$bin" "./cmd/$bin"
	done
done

for target in eksaccess eks-emulator; do
	image=localhost/$target:$tag
	podman manifest rm "$image" >/dev/null 2>&1 || podman rmi "$image" >/dev/null 2>&1 || true
	podman manifest create "$image" >/dev/null
	for p in $platforms; do
		podman build --quiet --platform "$p" --target "$target" -f Containerfile \
			--build-arg VERSION="$version" --build-arg REVISION="$commit" --build-arg CREATED="$date" \
			--timestamp "$(date -u -d "$date" +%s)" \
			-t "$image-${p#*/}" "$ctx" >/dev/null
		podman manifest add "$image" "containers-storage:$image-${p#*/}" >/dev/null
		echo "image: $image-${p#*/} ($p): $(podman image inspect --format '{{.Size}}' "$image-${p#*/}") bytes"
	done
	echo "image: $image: manifest list of $platforms"
done
