#!/usr/bin/env bash
# The full test suite. Installs what the tests need (Debian's chromium for
# browser tests, LibreOffice for opening generated workbooks, staticcheck),
# then checks formatting, vets, lints and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q . || need+=(fonts-noto-cjk)
if ((${#need[@]})); then
	if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
	echo "installing ${need[*]}" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

GOBIN="$(go env GOPATH)/bin"
[ -x "$GOBIN/staticcheck" ] || go install honnef.co/go/tools/cmd/staticcheck@v0.8.2

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt needed on:" >&2
	echo "$unformatted" >&2
	exit 1
fi
go vet ./...
"$GOBIN/staticcheck" ./...
go test -count=1 -timeout 30m "$@" ./...
# The concurrent paths (group commit, work-order steps, tallies, sessions)
# once more under the race detector.
go test -race -count=1 -timeout 30m "$@" ./surveys/ ./feedback/ ./analytics/ ./accounts/
