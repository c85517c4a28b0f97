#!/usr/bin/env bash
# Installs what validate.cjs needs: ajv and the YAML parser, and Decap's schema file.
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --loglevel=error >/dev/null
if [ ! -f package/dist/esm/constants/configSchema.js ]; then
  tarball=$(npm pack decap-cms-core@3.19.1 --silent)
  tar xzf "$tarball" package/dist/esm/constants/configSchema.js
  rm -f "$tarball"
fi
