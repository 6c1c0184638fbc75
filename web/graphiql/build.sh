#!/bin/sh
# Rebuild GraphiQL's shipped assets (salonbook/web/graphiql/static/) from the locked npm
# packages: `sh web/graphiql/build.sh`. Each file's name carries its package's version, so
# the server may let browsers cache it for good; index.html names the same files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../salonbook/web/graphiql/static"
cd "$here"
npm ci --ignore-scripts --no-audit --no-fund >/dev/null

version() { node -p "require('./node_modules/$1/package.json').version"; }
graphiql=$(version graphiql)
react=$(version react)
react_dom=$(version react-dom)

rm -rf "$out"
mkdir -p "$out"
# The source-map comments point at files not shipped; the rest is copied byte for byte.
strip_map() { sed -e 's|//# sourceMappingURL=[^ ]*$||' -e 's|/\*# sourceMappingURL=[^*]*\*/||' "$1" >"$2"; }
strip_map node_modules/graphiql/graphiql.min.js "$out/graphiql-$graphiql.min.js"
strip_map node_modules/graphiql/graphiql.min.css "$out/graphiql-$graphiql.min.css"
strip_map node_modules/react/umd/react.production.min.js "$out/react-$react.production.min.js"
strip_map node_modules/react-dom/umd/react-dom.production.min.js \
  "$out/react-dom-$react_dom.production.min.js"
cp node_modules/graphiql/LICENSE "$out/LICENSE.graphiql.txt"
cp node_modules/react/LICENSE "$out/LICENSE.react.txt"
cp node_modules/react-dom/LICENSE "$out/LICENSE.react-dom.txt"
ls "$out"
