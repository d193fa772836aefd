#!/usr/bin/env bash
# templ-check.sh fails if regenerating the templ views changes any
# *_templ.go file: the committed output must match the committed templates.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
sum() { find views -name '*_templ.go' -type f -print0 | sort -z | xargs -0r sha256sum; }
before=$(sum)
go tool templ generate -path views >/dev/null
after=$(sum)
if [[ $before != "$after" ]]; then
	echo "views/*_templ.go were stale; regenerated. Commit them:" >&2
	diff <(echo "$before") <(echo "$after") >&2 || true
	exit 1
fi
echo "templ output is current"
