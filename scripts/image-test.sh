#!/usr/bin/env bash
# Builds the images (scripts/image.sh) and runs them as a user would:
# eks-emulator's image serves a cluster on this machine, and eksaccess's
# image lists, creates, and applies a mounted file against it, with the
# `docker run` line of README.md (podman in place of docker, the image just
# built in place of the release's). Also checks what the images hold: the
# non-root user, the CA certificates, the OCI labels, an arm64 binary in
# the arm64 image.
# Usage: scripts/image-test.sh      (needs podman and runc; root or rootless)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export CONTAINERS_CONF=${CONTAINERS_CONF:-$repo/image/containers.conf}
tag=test
fail() {
	echo "image-test: FAIL: $*" >&2
	exit 1
}
say() { echo "image-test: $*"; }

bash scripts/image.sh "$tag"
# as scripts/image.sh chose: vfs where overlay does not work
podman info >/dev/null 2>&1 || export STORAGE_DRIVER=vfs
eksaccess=localhost/eksaccess:$tag
emulator=localhost/eks-emulator:$tag

tmp=$(mktemp -d)
emu=
cleanup() {
	[ -n "$emu" ] && podman rm -f "$emu" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

# What the images hold.
for p in amd64 arm64; do
	for name in eksaccess eks-emulator; do
		img=localhost/$name:$tag-$p
		got=$(podman image inspect --format '{{.Os}}/{{.Architecture}} user={{.Config.User}} entrypoint={{join .Config.Entrypoint " "}} workdir={{.Config.WorkingDir}}' "$img")
		[ "$got" = "linux/$p user=65532:65532 entrypoint=/$name workdir=/work" ] || fail "$img: $got"
		for l in source version revision created licenses title description; do
			v=$(podman image inspect --format "{{index .Config.Labels \"org.opencontainers.image.$l\"}}" "$img")
			[ -n "$v" ] || fail "$img has no label org.opencontainers.image.$l"
		done
		ctr=$(podman create --platform "linux/$p" "$img")
		podman cp "$ctr:/$name" "$tmp/$name-$p" && podman cp "$ctr:/etc/ssl/certs/ca-certificates.crt" "$tmp/certs" &&
			podman cp "$ctr:/etc/passwd" "$tmp/passwd" || { podman rm "$ctr" >/dev/null; fail "$img lacks a file"; }
		podman rm "$ctr" >/dev/null
		cmp -s "$tmp/certs" /etc/ssl/certs/ca-certificates.crt || fail "$img: the CA certificates differ from the host's"
		grep -q '^nonroot:x:65532:65532:' "$tmp/passwd" || fail "$img: no nonroot user in /etc/passwd"
		# ELF e_machine: 0x3e x86-64, 0xb7 aarch64
		machine=$(od -An -tx1 -j18 -N1 "$tmp/$name-$p" | tr -d ' ')
		case $p/$machine in amd64/3e | arm64/b7) ;; *) fail "$img: /$name is for machine 0x$machine" ;; esac
	done
done
say "both images, linux/amd64 and linux/arm64: static binary, non-root (65532), CA certificates, OCI labels"
podman run --rm "$eksaccess" version -o text | sed 's/^/image-test: /'

# eks-emulator's image, on this machine's loopback, set up as a CI service
# container is (docs/guides/emulator-in-ci.md): environment only, no command.
mkdir "$tmp/out" && chmod 777 "$tmp/out"
emu=$(podman run -d --network host -v "$tmp/out:/out:Z" -e EKS_EMULATOR_ADDR=127.0.0.1:0 \
	-e EKS_EMULATOR_CLUSTER=prod -e EKS_EMULATOR_URL_FILE=/out/url "$emulator")
for _ in $(seq 200); do
	[ -s "$tmp/out/url" ] && break
	[ "$(podman inspect --format '{{.State.Running}}' "$emu")" = true ] || break
	sleep 0.1
done
[ -s "$tmp/out/url" ] || { podman logs "$emu" >&2; fail "the eks-emulator image did not start"; }
export AWS_ENDPOINT_URL AWS_REGION=us-west-2 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
AWS_ENDPOINT_URL=$(cat "$tmp/out/url")
unset AWS_SESSION_TOKEN AWS_PROFILE
say "eks-emulator image serving $AWS_ENDPOINT_URL"

# README's docker run line, continuation lines joined.
line=$(awk '/^docker run / { cmd = $0; while (cmd ~ /\\$/) { sub(/\\$/, "", cmd); getline more; cmd = cmd more } print cmd; exit }' README.md)
[ -n "$line" ] || fail "README.md has no line starting with 'docker run'"
release_image='ghcr.io/eksaccess/eksaccess:v[0-9][0-9.]*'
grep -q " $release_image " <<<"$line" || fail "README's docker run line does not run the release image: $line"
cmd=$(sed -E "s|^docker run |podman run |; s| $release_image | $eksaccess |" <<<"$line")
prefix=${cmd%% $eksaccess *}" $eksaccess"
say "README: $line"

cd "$tmp"
cat >access.yaml <<'YAML'
apiVersion: eksaccess/v1
kind: AccessConfig
clusters:
  - name: prod
entries:
  - principalArn: arn:aws:iam::111122223333:role/dev
    kubernetesGroups: [dev-team]
    accessPolicies:
      - policyArn: AmazonEKSViewPolicy
        accessScope: {type: namespace, namespaces: [dev, test]}
  - principalArn: arn:aws:iam::111122223333:role/ops
    accessPolicies:
      - policyArn: AmazonEKSClusterAdminPolicy
        accessScope: {type: cluster}
YAML
chmod 644 access.yaml

run() {
	say "\$ $*"
	eval "$@"
}
out=$(run "$prefix list --cluster prod -o text") || fail "list through README's docker run line failed: $out"
[ -z "$(grep -v '^image-test: ' <<<"$out")" ] || fail "a new cluster lists entries: $out"
run "$prefix create --cluster prod --principal arn:aws:iam::111122223333:role/dev --group dev-team -o text --query accessEntry.principalArn" |
	tee "$tmp/created"
grep -qx 'arn:aws:iam::111122223333:role/dev' "$tmp/created" || fail "create did not print the principal"
run "$cmd" || fail "README's docker run line failed (exit $?)"
out=$(run "$prefix list --cluster prod -o text") || fail "list after apply failed: $out"
echo "$out"
grep -qx 'arn:aws:iam::111122223333:role/ops' <<<"$out" || fail "apply did not create role/ops"
grep -qx 'arn:aws:iam::111122223333:role/dev' <<<"$out" || fail "role/dev is gone"
# in sync now: diff exits 0
run "$prefix diff -f access.yaml" || fail "diff after apply: exit $?"
say "ok: $eksaccess ran list, create, and README's apply of a mounted file against $emulator"
