#!/usr/bin/env bash
# Copies the GraphiQL page's assets from the pinned npm packages into the server, so GraphiQL needs no
# CDN. They are byte-identical to what strawberry's page loads from unpkg (its SRI hashes still
# hold; tests/test_graphiql_offline.py checks them). Rerun after changing package.json.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --silent --no-audit --no-fund --legacy-peer-deps
out=../../server/graphiql_assets
mkdir -p "$out"
cp node_modules/react/umd/react.production.min.js "$out/"
cp node_modules/react-dom/umd/react-dom.production.min.js "$out/"
cp node_modules/js-cookie/dist/js.cookie.min.js "$out/"
cp node_modules/graphiql/graphiql.min.css node_modules/graphiql/graphiql.min.js "$out/"
cp node_modules/@graphiql/plugin-explorer/dist/style.css "$out/plugin-explorer.css"
cp node_modules/@graphiql/plugin-explorer/dist/index.umd.js "$out/plugin-explorer.umd.js"
cp node_modules/graphiql/LICENSE "$out/LICENSE.graphiql"
