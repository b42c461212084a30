#!/usr/bin/env bash
# The logic of action.yml (the eksaccess GitHub Action), kept here so that
# cmd/eksaccess/action_test.go can run it offline against a fake release.
#
# Installs the eksaccess release archive for this runner's OS and arch,
# checks it against the release's checksums.txt, runs one eksaccess command,
# and writes what its exit code means to the job summary.
#
# Inputs (environment, as action.yml passes them):
#   INPUT_VERSION   release to install, e.g. v1.2.3 (required: pin it)
#   INPUT_COMMAND   eksaccess command (default: diff)
#   INPUT_FILE      passed as -f FILE when set
#   INPUT_CLUSTER   passed as --cluster CLUSTER when set
#   INPUT_ARGS      more arguments, split on whitespace
#   INPUT_BASE_URL  where releases are (default: the GitHub releases of
#                   eksaccess/eksaccess); any URL curl reads, file:// too
# Runner environment: RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH,
# GITHUB_OUTPUT, GITHUB_STEP_SUMMARY (each optional outside GitHub).
# Outputs: exit-code, result (in-sync, drift, invalid, not-found, conflict,
# credentials, throttled, error, interrupted) and plan (the output file).
# Exits with eksaccess's own exit code, so a drift fails the step.
set -uo pipefail

die() {
	echo "eksaccess-action: $*" >&2
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
		printf '### eksaccess: the action failed\n\n%s\n' "$*" >>"$GITHUB_STEP_SUMMARY"
	fi
	exit 1
}

version=${INPUT_VERSION:-}
[ -n "$version" ] || die "input 'version' is required: pin a release, e.g. version: v1.2.3"
case "$version" in
v[0-9]*) ;;
[0-9]*) version=v$version ;;
*) die "input 'version' must be a release such as v1.2.3, got '$version'" ;;
esac
command=${INPUT_COMMAND:-diff}
base=${INPUT_BASE_URL:-https://github.com/eksaccess/eksaccess/releases/download}
base=${base%/}

os=${RUNNER_OS:-$(uname -s)}
case "$os" in
Linux | linux) os=linux ;;
macOS | Darwin | darwin) os=darwin ;;
Windows | windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
*) die "no eksaccess release for the OS '$os'" ;;
esac
arch=${RUNNER_ARCH:-$(uname -m)}
case "$arch" in
X64 | x86_64 | amd64) arch=amd64 ;;
ARM64 | aarch64 | arm64) arch=arm64 ;;
*) die "no eksaccess release for the architecture '$arch'" ;;
esac
ext=tar.gz
[ "$os" = windows ] && ext=zip
archive="eksaccess_${version#v}_${os}_${arch}.${ext}"

tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
dir="$tmp/eksaccess-$version-$os-$arch"
mkdir -p "$dir" || die "cannot create $dir"

fetch() { # URL FILE
	curl --fail --silent --show-error --location --retry 3 --output "$2" "$1"
}
fetch "$base/$version/checksums.txt" "$dir/checksums.txt" ||
	die "cannot download $base/$version/checksums.txt: is $version a release?"
fetch "$base/$version/$archive" "$dir/$archive" ||
	die "cannot download $base/$version/$archive"

want=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$dir/checksums.txt")
[ -n "$want" ] || die "checksums.txt of $version does not list $archive"
if command -v sha256sum >/dev/null; then
	got=$(sha256sum "$dir/$archive" | awk '{ print $1 }')
else
	got=$(shasum -a 256 "$dir/$archive" | awk '{ print $1 }')
fi
[ "$got" = "$want" ] || die "checksum mismatch for $archive: checksums.txt says $want, the download is $got"

case "$ext" in
tar.gz) tar -xzf "$dir/$archive" -C "$dir" eksaccess || die "cannot unpack $archive" ;;
zip) (cd "$dir" && unzip -o -q "$archive" eksaccess.exe) || die "cannot unpack $archive" ;;
esac
[ -n "${GITHUB_PATH:-}" ] && echo "$dir" >>"$GITHUB_PATH"
export PATH="$dir:$PATH"
echo "eksaccess-action: installed eksaccess $version ($os/$arch, sha256 $got)" >&2

args=("$command")
[ -n "${INPUT_FILE:-}" ] && args+=(-f "$INPUT_FILE")
[ -n "${INPUT_CLUSTER:-}" ] && args+=(--cluster "$INPUT_CLUSTER")
# shellcheck disable=SC2206 # extra arguments are split on whitespace, on purpose
[ -n "${INPUT_ARGS:-}" ] && args+=(${INPUT_ARGS})

out="$dir/output.txt"
echo "+ eksaccess ${args[*]}" >&2
eksaccess "${args[@]}" 2>&1 | tee "$out"
code=${PIPESTATUS[0]}

case "$code" in
0) result=in-sync meaning="Success: the cluster matches (or the change was applied)." ;;
1) result=error meaning="An AWS API or network error: see the output." ;;
2) result=invalid meaning="Bad input (a flag, an ARN or the file): nothing was sent." ;;
3) result=not-found meaning="Not found: the cluster, the access entry or the policy (check the region)." ;;
4) result=conflict meaning="Conflict, or refused to lock the caller out: nothing was forced." ;;
5) result=credentials meaning="Credentials missing or expired, or access denied: check the role the job assumes and its IAM policy." ;;
6) result=throttled meaning="Throttled, or EKS unavailable, after every retry: re-run the job later." ;;
7) result=drift meaning="Drift: the cluster does not match the file. The plan above is what \`eksaccess apply\` would change." ;;
130 | 143) result=interrupted meaning="Interrupted: the output says what was left half-done." ;;
*) result=error meaning="eksaccess exited $code." ;;
esac
[ "$code" = 0 ] && [ "$command" != diff ] && result=ok

if [ -n "${GITHUB_OUTPUT:-}" ]; then
	{
		echo "exit-code=$code"
		echo "result=$result"
		echo "plan=$out"
	} >>"$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
	{
		echo "### eksaccess ${args[0]}: $result (exit $code)"
		echo
		echo "$meaning"
		echo
		echo '```'
		head -n 200 "$out"
		[ "$(wc -l <"$out")" -gt 200 ] && echo "... (output cut at 200 lines)"
		echo '```'
	} >>"$GITHUB_STEP_SUMMARY"
fi
exit "$code"
