#!/usr/bin/env bash
# Install what the browser tests (tests/browser/) need on a fresh Debian machine, skipping what is
# already there: Debian's chromium, a Java runtime for the Nu Html Checker, Node and npm, then
# axe-core, vnu-jar and lighthouse@12 into ./node_modules (git-ignored). Never downloads a browser:
# npm install runs with --ignore-scripts, so puppeteer and vnu-jar fetch nothing at install time.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

need_npm=0
[ -f node_modules/axe-core/axe.min.js ] || need_npm=1
[ -f node_modules/vnu-jar/build/dist/vnu.jar ] || need_npm=1
[ -x node_modules/.bin/lighthouse ] || need_npm=1
if [ "$need_npm" -eq 1 ]; then
    npm install --no-save --no-audit --no-fund --ignore-scripts axe-core vnu-jar lighthouse@12
fi
