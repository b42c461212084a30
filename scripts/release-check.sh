#!/usr/bin/env bash
# Checks what `goreleaser release --snapshot` left in DIST (default dist/):
# every archive and package is there and matches checksums.txt; the
# linux/amd64 archive and the amd64 deb hold binaries that print this
# commit's version, commit and date; the deb puts the man pages where
# `man eksaccess-create` finds them; the Homebrew cask names the archives;
# the krew manifest names the kubectl-eksaccess archives (scripts/krewcheck).
# Usage: scripts/release-check.sh [DIST]
set -euo pipefail
dist=${1:-dist}
fail() {
	echo "release-check: $*" >&2
	exit 1
}
[ -f "$dist/metadata.json" ] || fail "no $dist/metadata.json: run goreleaser release --snapshot first"

version=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$dist/metadata.json" | head -n 1)
[ -n "$version" ] || fail "no version in $dist/metadata.json"
commit=$(git rev-parse HEAD)
date=$(date -u -d "@$(git log -1 --format=%ct)" +%Y-%m-%dT%H:%M:%SZ)
echo "release-check: version $version, commit $commit, date $date"

# Every archive and package, each listed in checksums.txt, each matching.
expected=()
for os in linux darwin windows; do
	for arch in amd64 arm64; do
		ext=tar.gz
		[ "$os" = windows ] && ext=zip
		expected+=("eksaccess_${version}_${os}_${arch}.${ext}")
	done
done
for pkg in "$dist"/*.deb "$dist"/*.rpm; do
	[ -e "$pkg" ] && expected+=("$(basename "$pkg")")
done
[ "$(ls "$dist"/*.deb 2>/dev/null | wc -l)" = 2 ] || fail "want 2 .deb packages (amd64, arm64) in $dist"
[ "$(ls "$dist"/*.rpm 2>/dev/null | wc -l)" = 2 ] || fail "want 2 .rpm packages (x86_64, aarch64) in $dist"
for f in "${expected[@]}"; do
	[ -f "$dist/$f" ] || fail "missing $dist/$f"
	grep -q "  $f\$" "$dist/checksums.txt" || fail "checksums.txt does not list $f"
done
(cd "$dist" && sha256sum --quiet --check checksums.txt) || fail "checksums.txt does not match the files"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check_binaries DIR: eksaccess and eks-emulator there print this build.
check_binaries() {
	local got
	got=$("$1/eksaccess" version -o json)
	for want in "\"version\": \"$version\"" "\"commit\": \"$commit\"" "\"date\": \"$date\""; do
		grep -qF "$want" <<<"$got" || fail "$1/eksaccess version lacks $want: $got"
	done
	got=$("$1/eks-emulator" --version)
	[[ "$got" == "eks-emulator $version (commit $commit, built $date, go"* ]] || fail "$1/eks-emulator --version: $got"
}

# The linux/amd64 archive.
mkdir "$tmp/archive"
tar -xzf "$dist/eksaccess_${version}_linux_amd64.tar.gz" -C "$tmp/archive"
for f in eksaccess eks-emulator LICENSE README.md completions/eksaccess.bash manpages/eksaccess.1.gz manpages/eksaccess-create.1.gz; do
	[ -e "$tmp/archive/$f" ] || fail "the linux/amd64 archive lacks $f"
done
check_binaries "$tmp/archive"
echo "release-check: linux/amd64 archive: $("$tmp/archive/eksaccess" version -o text | tr '\t\n' '= ')"

# The amd64 deb, unpacked where dpkg would install it.
deb=$(ls "$dist"/eksaccess_*_amd64.deb)
if command -v dpkg-deb >/dev/null; then
	dpkg-deb --field "$deb" Package Version Architecture Maintainer | sed 's/^/release-check: deb: /'
	dpkg-deb --extract "$deb" "$tmp/root"
	check_binaries "$tmp/root/usr/bin"
	for f in share/man/man1/eksaccess-create.1.gz share/man/man1/eksaccess-policy-associate.1.gz share/bash-completion/completions/eksaccess; do
		[ -e "$tmp/root/usr/$f" ] || fail "the deb lacks /usr/$f"
	done
	if command -v man >/dev/null; then
		page=$(MANPATH="$tmp/root/usr/share/man" MANWIDTH=80 man -P cat eksaccess-create 2>/dev/null) ||
			fail "man eksaccess-create finds no page in the deb's /usr/share/man"
		grep -Eq "eksaccess-create +- +Create an access entry" <<<"$page" || fail "man eksaccess-create: no NAME line: $page"
		echo "release-check: deb: man eksaccess-create works"
	fi
else
	echo "release-check: no dpkg-deb here: the deb's contents are not checked" >&2
fi

# The Homebrew cask points at this version's archives.
cask="$dist/homebrew/Casks/eksaccess.rb"
[ -f "$cask" ] || fail "no $cask"
grep -q "version \"$version\"" "$cask" || fail "$cask: no version $version"
for os in darwin linux; do
	for arch in amd64 arm64; do
		f="eksaccess_${version}_${os}_${arch}.tar.gz"
		sum=$(awk -v f="$f" '$2 == f { print $1 }' "$dist/checksums.txt")
		grep -q "sha256 \"$sum\"" "$cask" || fail "$cask: no sha256 of $f ($sum)"
	done
done
grep -qF 'url "https://github.com/eksaccess/eksaccess/releases/download/' "$cask" || fail "$cask: the archives are not on the release page"
grep -q 'manpage "manpages/eksaccess-create.1.gz"' "$cask" || fail "$cask: no man pages"

# The kubectl plugin's krew manifest: a Plugin at this version, every
# platform's kubectl-eksaccess archive with its checksum and binary.
go run ./scripts/krewcheck "$dist" "$version" || fail "the krew manifest does not match the release"

echo "release-check: ok: ${#expected[@]} archives and packages, checksums, versions, man pages, cask"
