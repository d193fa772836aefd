#!/usr/bin/env bash
# e2e-deps.sh installs what the browser tests in e2e/ need, and nothing else:
#
#   - Debian's chromium (/usr/bin/chromium); a test tool's own browser
#     download cannot work on these machines;
#   - fonts-noto-cjk, so Chinese danmaku renders in screenshots, when the
#     apt sources offer it;
#   - the npm package playwright-core at the version pinned in
#     e2e/package.json (the driver that github.com/mxschmitt/playwright-go
#     talks to), from e2e/package-lock.json.
#
# It is idempotent and quick when everything is present: apt is touched only
# when a package is missing, npm only when e2e/node_modules/playwright-core is
# missing or not the pinned version. It runs as root with no prompt (or
# through sudo when not root) and prints what it did.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E="$ROOT/e2e"
CHROMIUM=/usr/bin/chromium

log() { printf 'e2e-deps: %s\n' "$*"; }
die() { printf 'e2e-deps: error: %s\n' "$*" >&2; exit 1; }

SUDO=()
if [[ $EUID -ne 0 ]]; then
	command -v sudo >/dev/null || die "not root and no sudo: cannot run apt-get"
	SUDO=(sudo -n)
fi

# apt_updated makes sure `apt-get update` runs at most once per call.
APT_UPDATED=0
apt_update_once() {
	if [[ $APT_UPDATED -eq 0 ]]; then
		log "apt-get update"
		"${SUDO[@]}" apt-get update -qq
		APT_UPDATED=1
	fi
}

apt_install() {
	log "apt-get install -y $*"
	"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq "$@" >/dev/null
}

is_installed() {
	[[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

# 1. Chromium from Debian.
if [[ -x $CHROMIUM ]]; then
	log "chromium present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
else
	apt_update_once
	apt_install chromium
	[[ -x $CHROMIUM ]] || die "apt installed chromium but $CHROMIUM is missing"
	log "chromium installed: $("$CHROMIUM" --version 2>/dev/null)"
fi

# 2. CJK fonts, when the apt sources have them (optional: only screenshots
#    of Chinese text need them).
if is_installed fonts-noto-cjk; then
	log "fonts-noto-cjk present"
else
	apt_update_once
	candidate="$(apt-cache policy fonts-noto-cjk | awk '/Candidate:/ {print $2}')"
	if [[ -n $candidate && $candidate != "(none)" ]]; then
		apt_install fonts-noto-cjk
		log "fonts-noto-cjk $candidate installed"
	else
		log "fonts-noto-cjk not available from apt; CJK text may render as boxes"
	fi
fi

# 3. playwright-core from npm, at the pinned version.
command -v node >/dev/null || die "node not found on PATH (playwright-core needs node >= 20)"
command -v npm >/dev/null || die "npm not found on PATH"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
[[ $node_major -ge 20 ]] || die "node $(node --version) is too old: playwright-core needs >= 20"

want="$(node -p 'require(process.argv[1]).dependencies["playwright-core"]' \
	"$E2E/package.json")"
have=""
if [[ -f $E2E/node_modules/playwright-core/package.json ]]; then
	have="$(node -p 'require(process.argv[1]).version' \
		"$E2E/node_modules/playwright-core/package.json")"
fi
if [[ $have == "$want" ]]; then
	log "playwright-core $have present"
else
	log "playwright-core ${have:-missing}, want $want"
	if [[ -f $E2E/package-lock.json ]]; then
		log "npm ci in e2e/"
		(cd "$E2E" && npm ci --no-audit --no-fund --loglevel=error)
	else
		log "npm install in e2e/ (no package-lock.json)"
		(cd "$E2E" && npm install --no-audit --no-fund --loglevel=error)
	fi
	have="$(node -p 'require(process.argv[1]).version' \
		"$E2E/node_modules/playwright-core/package.json")"
	[[ $have == "$want" ]] || die "npm installed playwright-core $have, want $want"
	log "playwright-core $have installed"
fi

log "ready: PLAYWRIGHT_NODEJS_PATH=$(command -v node)" \
	"PLAYWRIGHT_CLI_PATH=$E2E/node_modules/playwright-core/cli.js"
