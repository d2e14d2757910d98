#!/usr/bin/env bash
# Install the block editor's validator (tests/editor: @wordpress/blocks + @wordpress/block-library under
# jsdom) used by tests/test_editor_validity.py. Idempotent: does nothing when node_modules matches the lock.
# Needs Node.js >= 20 and npm (on Debian: apt-get install -y nodejs npm).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
editor="$here/tests/editor"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
    else
        echo "install-editor-validator: node and npm are required" >&2
        exit 1
    fi
fi
stamp="$editor/node_modules/.cmsbridge-lock"
if [ -f "$stamp" ] && cmp -s "$stamp" "$editor/package-lock.json"; then
    exit 0
fi
cd "$editor"
if [ -f package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
else
    npm install --no-audit --no-fund --loglevel=error
fi
cp package-lock.json "$stamp"
