#!/usr/bin/env bash
# The logic of action.yml (the eksaccess GitHub Action), kept here so that
# cmd/eksaccess/action_test.go can run it offline against a fake release.
#
# Installs the eksaccess release archive for this runner's OS and arch,
# verifies the signature of the release's checksums.txt where it can, checks
# the archive against checksums.txt, runs one eksaccess command, and writes
# what its exit code means to the job summary.
#
# Inputs (environment, as action.yml passes them):
#   INPUT_VERSION   release to install, e.g. v1.2.3; empty: the action's own
#                   ref when it is a release, else the latest release
#                   ("latest" asks for that explicitly)
#   INPUT_COMMAND   eksaccess command and subcommand (default: diff), e.g.
#                   "policy list"
#   INPUT_FILE      passed as -f FILE when set
#   INPUT_CLUSTER   passed as --cluster CLUSTER when set
#   INPUT_ARGS      more arguments, split like a shell splits words (blanks
#                   and newlines separate, '...' and "..." quote, \ escapes)
#                   but never expanded: no globs, no $VAR, no ~, no $(...)
#   INPUT_BASE_URL  where releases are (default: the GitHub releases of
#                   eksaccess/eksaccess): https://, or file:// for a mirror on
#                   the runner; nothing else
#   INPUT_VERIFY_SIGNATURE
#                   auto (default): verify checksums.txt's cosign signature
#                   when the release publishes one and cosign is on PATH;
#                   required: fail unless it was verified
# Runner environment: RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_PATH,
# GITHUB_OUTPUT, GITHUB_STEP_SUMMARY (each optional outside GitHub), and the
# action's own ref: GITHUB_ACTION_PATH (…/_actions/OWNER/REPO/REF) or
# EKSACCESS_ACTION_REF (github.action_ref, which action.yml passes).
# Outputs: exit-code, result (in-sync, ok, drift, invalid, not-found,
# conflict, credentials, throttled, error, interrupted), plan (a file with
# what eksaccess wrote on stdout: the result, the plan as data with -o json)
# and log (a file with what it wrote on stderr: the plan as text, progress,
# warnings, errors).
# Exits with eksaccess's own exit code, so a drift fails the step.
set -uo pipefail
set -f # nothing below is a glob, whatever the inputs hold

die() {
	echo "eksaccess-action: $*" >&2
	if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
		printf '### eksaccess: the action failed\n\n%s\n' "$*" >>"$GITHUB_STEP_SUMMARY"
	fi
	exit 1
}

notes=() # what the summary says about the installation
warn() {
	echo "::warning title=eksaccess-action::$*" >&2
	notes+=("Warning: $*")
}

# split_words STRING: sets words to STRING's words, split as a POSIX shell
# splits a command line (blanks and newlines separate; '...' keeps everything
# literally; "..." too, where \ escapes only " \ $ and `; elsewhere \ escapes
# the next character; \ before a newline joins the lines, inside "..." too;
# a \ that ends STRING is kept, as sh keeps it; a # that starts a word
# begins a comment to the end of the line) but expanding nothing: no
# eval, no globs, no variables, no command substitution.
# Returns 1 on an unterminated quote.
split_words() {
	local s=$1 n=${#1} i=0 c quote='' word='' inword=0
	words=()
	while [ "$i" -lt "$n" ]; do
		c=${s:i:1}
		if [ "$quote" = "'" ]; then
			if [ "$c" = "'" ]; then quote=''; else word+=$c; fi
		elif [ "$quote" = '"' ]; then
			if [ "$c" = '"' ]; then
				quote=''
			elif [ "$c" = '\' ] && [ $((i + 1)) -lt "$n" ] && [[ "${s:i+1:1}" == [\"\\\$\`] ]]; then
				i=$((i + 1))
				word+=${s:i:1}
			elif [ "$c" = '\' ] && [ "${s:i+1:1}" = $'\n' ]; then
				i=$((i + 1)) # a backslash-newline joins the lines, in quotes too
			else
				word+=$c
			fi
		else
			case "$c" in
			' ' | $'\t' | $'\n' | $'\r')
				if [ "$inword" = 1 ]; then
					words+=("$word")
					word='' inword=0
				fi
				;;
			"'" | '"') quote=$c inword=1 ;;
			'#')
				if [ "$inword" = 1 ]; then
					word+=$c # inside a word (a#b), # is a character
				else
					# a # that starts a word comments out the rest of
					# the line (a \ there continues nothing)
					while [ $((i + 1)) -lt "$n" ] && [ "${s:i+1:1}" != $'\n' ]; do
						i=$((i + 1))
					done
				fi
				;;
			'\')
				i=$((i + 1))
				if [ "$i" -ge "$n" ]; then
					word+='\' inword=1 # a \ that ends the input stays, as sh keeps it
				elif [ "${s:i:1}" != $'\n' ]; then
					word+=${s:i:1}
					inword=1
				fi
				;;
			*) word+=$c inword=1 ;;
			esac
		fi
		i=$((i + 1))
	done
	[ -z "$quote" ] || return 1
	if [ "$inword" = 1 ]; then words+=("$word"); fi
	return 0
}

base=${INPUT_BASE_URL:-https://github.com/eksaccess/eksaccess/releases/download}
base=${base%/}
# Downloads stay on https (redirects too), at TLS 1.2 or later; file:// is a
# mirror on the runner itself.
case "$base" in
https://*) proto='=https' ;;
file://*) proto='=file' ;;
*) die "input 'base-url' must be an https:// URL (or file:// for a mirror on the runner), got '$base'" ;;
esac
# The repository whose release workflow signs checksums.txt: the one the
# releases come from, when they come from GitHub.
signer=eksaccess/eksaccess
if [[ "$base" =~ ^https://github\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/releases/download$ ]]; then
	signer=${BASH_REMATCH[1]}
fi

release_re='^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'
version=${INPUT_VERSION:-}
wanted='' # what an unpinned run must match: the action's ref v1 wants a v1.x.y
if [ -z "$version" ]; then
	# The action's own ref: its directory, …/_actions/OWNER/REPO/REF, names
	# it even when github.action_ref names a wrapping action's.
	ref=''
	action_path=${GITHUB_ACTION_PATH:-}
	action_path=${action_path//\\//} # D:\a\_actions\... on Windows
	case "$action_path" in
	*/_actions/*/*/*)
		ref=${action_path#*/_actions/}
		ref=${ref#*/}
		ref=${ref#*/}
		;;
	esac
	[ -n "$ref" ] || ref=${EKSACCESS_ACTION_REF:-}
	if [[ "$ref" =~ $release_re ]]; then
		version=$ref
		echo "eksaccess-action: version $version, the action's own ref" >&2
	else
		version=latest
		if [[ "$ref" =~ ^v[0-9]+(\.[0-9]+)?$ ]]; then
			wanted=$ref
		else
			warn "the action's ref '${ref:-(none)}' is no release, so this installs the latest release: pin one with the input 'version' (or use the action at a release tag)"
		fi
	fi
fi
case "$version" in
latest) ;;
[0-9]*) version=v$version ;;
esac
[ "$version" = latest ] || [[ "$version" =~ $release_re ]] ||
	die "input 'version' must be a release such as v1.2.3 (or latest), got '$version'"

mode=${INPUT_VERIFY_SIGNATURE:-auto}
case "$mode" in
auto | required) ;;
*) die "input 'verify-signature' must be auto or required, got '$mode'" ;;
esac

split_words "${INPUT_COMMAND:-diff}" || die "input 'command' has an unterminated quote"
command=(${words[@]+"${words[@]}"})
[ "${#command[@]}" -gt 0 ] || command=(diff)
for w in "${command[@]}"; do
	[[ "$w" =~ ^[a-z][a-z0-9-]*$ ]] ||
		die "input 'command' is eksaccess's command and its subcommand (e.g. 'diff', 'policy list'), got '${INPUT_COMMAND}': flags go in 'args'"
done
split_words "${INPUT_ARGS:-}" || die "input 'args' has an unterminated quote"
extra=(${words[@]+"${words[@]}"})

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

tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}

fetch() { # URL FILE
	curl --proto "$proto" --proto-redir "$proto" --tlsv1.2 \
		--fail --silent --show-error --location --retry 3 --output "$2" "$1"
}

if [ "$version" = latest ]; then
	# GitHub serves the latest release's files under …/releases/latest/download;
	# its checksums.txt names the version.
	case "$base" in
	*/download) latest=${base%/download}/latest/download ;;
	*) die "input 'version' is needed with this base-url (only GitHub releases have a latest): pin a release, e.g. version: v1.2.3" ;;
	esac
	mkdir -p "$tmp/eksaccess-latest" || die "cannot create $tmp/eksaccess-latest"
	fetch "$latest/checksums.txt" "$tmp/eksaccess-latest/checksums.txt" ||
		die "cannot download $latest/checksums.txt to find the latest release"
	v=$(sed -n "s/^[0-9a-f]\{64\}  \*\{0,1\}eksaccess_\([0-9][0-9A-Za-z.+-]*\)_${os}_${arch}\.${ext//./\\.}\$/\1/p" "$tmp/eksaccess-latest/checksums.txt" | head -n 1)
	[[ "v$v" =~ $release_re ]] || die "the latest release's checksums.txt names no eksaccess archive for $os/$arch"
	version=v$v
	if [ -n "$wanted" ]; then
		case "$version." in
		"$wanted".*) ;;
		*) die "the action's ref is $wanted, but the latest release is $version: pin a $wanted release with the input 'version'" ;;
		esac
	fi
	echo "eksaccess-action: version $version, the latest release" >&2
fi

archive="eksaccess_${version#v}_${os}_${arch}.${ext}"
dir="$tmp/eksaccess-$version-$os-$arch"
mkdir -p "$dir" || die "cannot create $dir"

fetch "$base/$version/checksums.txt" "$dir/checksums.txt" ||
	die "cannot download $base/$version/checksums.txt: is $version a release?"

# Authenticity: checksums.txt comes from the same place as the archive, so
# on its own it proves only that the download is whole. Releases sign it with
# cosign, keyless, in their release workflow (.goreleaser.yaml: signs); the
# Sigstore bundle holds the signature and the workflow's certificate.
bundle=checksums.txt.sigstore.json
rm -f "$dir/$bundle"
err=$(fetch "$base/$version/$bundle" "$dir/$bundle" 2>&1)
case $? in
0) published=yes ;;
22 | 37) published=no ;; # HTTP 404 and the like; file:// no such file
*) die "cannot download $base/$version/$bundle: $err" ;;
esac
identity="^https://github\\.com/${signer//./\\.}/\\.github/workflows/[^@]+@refs/tags/${version//./\\.}\$"
issuer=https://token.actions.githubusercontent.com
if [ "$published" = no ]; then
	verified="not verified: release $version publishes no signature ($bundle)"
elif ! command -v cosign >/dev/null; then
	verified="not verified: cosign is not installed (add the step sigstore/cosign-installer before this one)"
elif cosign verify-blob --bundle "$dir/$bundle" --certificate-identity-regexp "$identity" \
	--certificate-oidc-issuer "$issuer" "$dir/checksums.txt" >&2; then
	verified="verified with cosign: signed by the release workflow of github.com/$signer for tag $version"
else
	die "the signature of $version's checksums.txt does not verify (cosign verify-blob, identity $identity, issuer $issuer): the release may have been tampered with; nothing was run"
fi
case "$verified" in
verified*) ;;
*)
	[ "$mode" = required ] && die "checksums.txt's signature is $verified, and verify-signature is required"
	warn "checksums.txt's signature is $verified; only the SHA-256 checksum was checked"
	;;
esac
echo "eksaccess-action: checksums.txt's signature: $verified" >&2

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
installed="eksaccess $version ($os/$arch), sha256 $got as checksums.txt says; its signature: $verified"
echo "eksaccess-action: installed $installed" >&2

args=("${command[@]}")
[ -n "${INPUT_FILE:-}" ] && args+=(-f "$INPUT_FILE")
[ -n "${INPUT_CLUSTER:-}" ] && args+=(--cluster "$INPUT_CLUSTER")
[ "${#extra[@]}" -gt 0 ] && args+=("${extra[@]}")

# A directory per run: a job may run the action more than once.
run=$(mktemp -d "$tmp/eksaccess-run.XXXXXX") || die "cannot create a directory in $tmp"
out="$run/stdout"
log="$run/stderr"
echo "+ eksaccess$(printf ' %q' "${args[@]}")" >&2
# stdout and stderr each to their own file and their own stream, so that
# -o json leaves JSON in the plan output; the exit code through a file (both
# pipelines end before the next line runs).
{
	{
		eksaccess "${args[@]}"
		echo "$?" >"$run/exit-code"
	} 2>&1 1>&3 3>&- | tee "$log" >&2
} 3>&1 | tee "$out"
code=$(cat "$run/exit-code" 2>/dev/null) || code=1

case "$code" in
0)
	result=in-sync
	case "${command[0]}" in
	diff) meaning="Success: the cluster matches the file." ;;
	apply) meaning="Success: apply made the cluster match the file (or it matched already; with --dry-run, nothing was sent)." ;;
	*) meaning="Success: eksaccess ${command[*]} finished." ;;
	esac
	;;
1) result=error meaning="An AWS API or network error: see the output." ;;
2) result=invalid meaning="Bad input (a flag, an ARN or the file): nothing was sent." ;;
3) result=not-found meaning="Not found: the cluster, the access entry or the policy (check the region)." ;;
4) result=conflict meaning="Conflict, or refused to lock the caller out: nothing was forced." ;;
5) result=credentials meaning="Credentials missing or expired, or access denied: check the role the job assumes and its IAM policy." ;;
6) result=throttled meaning="Throttled, or EKS unavailable, after every retry: re-run the job later." ;;
7) result=drift meaning="Drift: the cluster does not match the file. The plan below is what \`eksaccess apply\` would change." ;;
130 | 143) result=interrupted meaning="Interrupted: the output says what was left half-done." ;;
*) result=error meaning="eksaccess exited $code." ;;
esac
[ "$code" = 0 ] && [ "${command[0]}" != diff ] && result=ok

if [ -n "${GITHUB_OUTPUT:-}" ]; then
	{
		echo "exit-code=$code"
		echo "result=$result"
		echo "plan=$out"
		echo "log=$log"
	} >>"$GITHUB_OUTPUT"
fi

# block TITLE FILE: FILE's first 200 lines in a code block, fenced with more
# backticks than the file holds in a row.
block() {
	[ -s "$2" ] || return 0
	local fence='```'
	while grep -qF -- "$fence" "$2"; do fence+='`'; done
	echo "$1"
	echo
	echo "$fence"
	head -n 200 "$2"
	[ "$(wc -l <"$2")" -gt 200 ] && echo "... (cut at 200 lines)"
	echo "$fence"
	echo
}
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
	{
		echo "### eksaccess ${command[*]}: $result (exit $code)"
		echo
		echo "$meaning"
		echo
		echo "Installed $installed."
		echo
		for n in ${notes[@]+"${notes[@]}"}; do
			echo "$n"
			echo
		done
		block "stdout:" "$out"
		block "stderr:" "$log"
	} >>"$GITHUB_STEP_SUMMARY"
fi
exit "$code"
