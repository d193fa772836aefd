#!/usr/bin/env bash
# gofmt-check.sh fails if any tracked or new Go file is not gofmt-formatted.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bad=$(gofmt -l $(git ls-files --cached --others --exclude-standard '*.go'))
if [[ -n $bad ]]; then
	printf 'gofmt would change:\n%s\n' "$bad" >&2
	exit 1
fi
