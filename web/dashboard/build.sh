#!/bin/sh
# Rebuild the dashboard's shipped files (salonbook/web/dashboard/static/) from src/ and the
# locked npm packages: `sh web/dashboard/build.sh` (Node.js 20+ and npm). Type-checks first;
# the output is deterministic (no timestamps, no source maps, a fixed target): the bundle's
# names carry their content's hash, so the server lets browsers cache them for good, and
# index.html is written with those names.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../salonbook/web/dashboard/static"
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund >/dev/null
node_modules/.bin/tsc --noEmit -p .

rm -rf "$out"
mkdir -p "$out"
node_modules/.bin/esbuild src/app.tsx --bundle --minify --platform=browser --format=iife \
  --target=es2020 --charset=utf8 --legal-comments=external --entry-names='[name]-[hash]' \
  --log-level=warning --outdir="$out"
script=$(cd "$out" && ls app-*.js)
style=$(cd "$out" && ls app-*.css)
sed -e "s|app.js|$script|" -e "s|app.css|$style|" index.html >"$out/index.html"
for package in preact graphql-ws; do
  cp "node_modules/$package/LICENSE"* "$out/LICENSE.$package.txt"
done
ls "$out"
