#!/usr/bin/env bash
# The full test suite. Installs what the tests need (Debian's chromium for
# browser tests, LibreOffice for opening generated workbooks, poppler for
# reading PDFs back, staticcheck, Node for the OpenAPI linter), then checks
# formatting, vets, lints the code and the OpenAPI document, and runs every
# test.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q . || need+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
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

# The OpenAPI document, as the production route table serves it, must pass
# an independent linter with no errors (rules: redocly.yaml). @redocly/cli
# 2.x needs Node 20.19+ or 22.12+; older Node (Debian 12 ships 18) gets the
# 1.x line. Each version is installed once under the user's cache.
node_ok=$(node -e 'const [a, b] = process.versions.node.split(".").map(Number); console.log(a >= 22 || (a === 20 && b >= 19) ? 1 : 0)')
if [ "$node_ok" = 1 ]; then REDOCLY_VERSION=2.77.0; else REDOCLY_VERSION=1.34.20; fi
redocly_dir="${XDG_CACHE_HOME:-$HOME/.cache}/minyi/redocly-cli-$REDOCLY_VERSION"
if [ ! -x "$redocly_dir/node_modules/.bin/redocly" ]; then
	echo "installing @redocly/cli@$REDOCLY_VERSION into $redocly_dir" >&2
	npm install --prefix "$redocly_dir" --no-audit --no-fund --loglevel=error "@redocly/cli@$REDOCLY_VERSION" >/dev/null
fi
openapi_doc=$(mktemp --suffix=.json)
trap 'rm -f "$openapi_doc"' EXIT
MINYI_OPENAPI_OUT="$openapi_doc" go test -count=1 -run '^TestOpenAPIDocumentFile$' ./api/ >/dev/null
REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	"$redocly_dir/node_modules/.bin/redocly" lint --config redocly.yaml --format=summary "$openapi_doc"
go test -count=1 -timeout 30m "$@" ./...
# The concurrent paths (group commit, work-order steps, tallies, sessions)
# once more under the race detector.
go test -race -count=1 -timeout 30m "$@" ./surveys/ ./feedback/ ./analytics/ ./accounts/
