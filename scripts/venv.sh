# Sourced by build.sh and test.sh: make sure .venv exists and holds the project with the given extras.
# Reinstalls only when pyproject.toml changed since the last install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Python 3.11 or newer is needed (found: $("$PYTHON" --version 2>&1))" >&2
    exit 2
fi
# A virtual environment names its own folder inside its scripts, so one moved with the clone no longer runs:
# the one this script made (it leaves .venv/.toolkit-home) is made again where the clone now is.
if [ -f .venv/.toolkit-home ] && [ "$(cat .venv/.toolkit-home)" != "$PWD" ]; then
    echo "this clone was moved from $(cat .venv/.toolkit-home): setting up .venv again"
    rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
    echo "$PWD" > .venv/.toolkit-home
fi
extras=${1:-}
stamp=".venv/.installed${extras:+-$extras}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
    echo "$want" > "$stamp"
fi
export PATH="$PWD/.venv/bin:$PATH"
export NO_MKDOCS_2_WARNING=1
