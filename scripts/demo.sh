#!/usr/bin/env bash
# The main job, end to end, against the bundled EKS emulator: no AWS account,
# no network. Usage: scripts/demo.sh BIN_DIR
set -euo pipefail
bin=${1:-bin}
tmp=$(mktemp -d)
emu_pid=
cleanup() {
	[ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

"$bin/eks-emulator" --cluster demo --url-file "$tmp/url" 2>"$tmp/emulator.log" &
emu_pid=$!
# Wait for its URL for as long as it runs (a loaded machine is slow to
# start it); a minute is only a guard against one that never listens.
for _ in $(seq 1200); do
	[ -s "$tmp/url" ] && break
	kill -0 "$emu_pid" 2>/dev/null || break
	sleep 0.05
done
[ -s "$tmp/url" ] || { echo "demo: the emulator did not start:" >&2; cat "$tmp/emulator.log" >&2; exit 1; }

# Point eksaccess at the emulator with throw-away credentials, and keep any
# real AWS profile out of it.
export AWS_ENDPOINT_URL_EKS AWS_ENDPOINT_URL
AWS_ENDPOINT_URL_EKS=$(cat "$tmp/url")
AWS_ENDPOINT_URL=$AWS_ENDPOINT_URL_EKS
export AWS_REGION=us-west-2 AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE="$tmp/config" AWS_SHARED_CREDENTIALS_FILE="$tmp/credentials"
unset AWS_PROFILE AWS_SESSION_TOKEN

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
