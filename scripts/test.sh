#!/usr/bin/env bash
# Every test: set up .venv with the test tools, install the system packages the tests drive, lint, type-check, test.
set -euo pipefail
source "$(dirname "$0")/venv.sh" test

# Debian packages the tests drive: Chromium for browser tests, poppler-utils to render PDF pages,
# LibreOffice Calc to open and save the self-assessment workbook as a practice's spreadsheet would.
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v libreoffice >/dev/null || need+=(libreoffice-calc-nogui)
# Node.js and npm, for the tools that hold the site's JavaScript to the Python's standard.
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} (Debian packages the tests need)"
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

ruff check generator tests bench
mypy

# The JavaScript: the linter and type checker of package-lock.json (installed again only when it changes),
# then its unit tests with Node's own runner.
if ! cmp -s package-lock.json node_modules/.installed-lock 2>/dev/null; then
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.installed-lock
fi
npx --no-install eslint site_templates tests/js eslint.config.js
npx --no-install tsc -p tsconfig.json
npx --no-install tsc -p tsconfig.strict.json  # the scripts already clean under strict, held there
node --test tests/js/

python -m pytest "$@"
