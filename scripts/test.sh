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
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} (Debian packages the tests need)"
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

ruff check generator tests bench
mypy
python -m pytest "$@"
