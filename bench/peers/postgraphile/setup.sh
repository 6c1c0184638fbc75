#!/usr/bin/env bash
# The PostGraphile peer's packages, exactly as locked in package-lock.json, Node 22 among them
# (the npm package node@22: PostGraphile 5 needs Node >= 22; the machine's Node may be older).
# Needs npm (any recent one); run by the bench suite when node_modules is missing.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
node_modules/.bin/node --version
