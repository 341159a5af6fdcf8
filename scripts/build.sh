#!/usr/bin/env bash
# The main job: set up .venv, check every edition of the standards, then build the site of the default edition.
set -euo pipefail
source "$(dirname "$0")/venv.sh"
toolkit check
toolkit build "$@"
