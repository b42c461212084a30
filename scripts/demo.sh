#!/usr/bin/env bash
# The main job, end to end, against the bundled EKS emulator: no AWS account,
# no network. Usage: scripts/demo.sh BIN_DIR
set -euo pipefail
bin=${1:-bin}
tmp=$(mktemp -d)
EKS_EMULATOR_PID=
cleanup() {
	[ -n "$EKS_EMULATOR_PID" ] && kill "$EKS_EMULATOR_PID" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# --background returns once the emulator listens and prints the environment
# that points eksaccess at it, with throw-away credentials.
eval "$("$bin/eks-emulator" --background --cluster demo --log-file "$tmp/emulator.log")"

# Keep any real AWS profile out of it.
export AWS_CONFIG_FILE="$tmp/config" AWS_SHARED_CREDENTIALS_FILE="$tmp/credentials"
unset AWS_PROFILE

echo "# EKS emulator listening on $AWS_ENDPOINT_URL_EKS (cluster \"demo\")"
run() {
	echo
	echo "\$ $*"
	"$@"
}
principal=arn:aws:iam::111122223333:role/dev
run "$bin/eksaccess" create --cluster demo --principal "$principal" \
	--group dev-team --username 'dev:{{SessionName}}' --tag team=platform \
	--policy AmazonEKSEditPolicy:namespace=dev,test
run "$bin/eksaccess" describe --cluster demo --principal "$principal" --with-policies
run "$bin/eksaccess" create --cluster demo --principal arn:aws:iam::111122223333:user/alice
run "$bin/eksaccess" list --cluster demo
run "$bin/eksaccess" list --cluster demo --details
