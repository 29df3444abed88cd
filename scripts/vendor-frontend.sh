#!/usr/bin/env bash
# Refreshes the vendored front-end packages in static/vendor/ (and axe-core for the browser
# tests). Run by hand when upgrading; the app never fetches them at run time.
# Usage: scripts/vendor-frontend.sh [nhsuk-frontend version] [htmx.org version] [axe-core version]
set -euo pipefail
nhsuk=${1:-10.6.1}
htmx=${2:-2.0.11}
axe=${3:-4.14.1}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "nhsuk-frontend@$nhsuk" "htmx.org@$htmx" "axe-core@$axe" >/dev/null
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done

dest="$root/static/vendor/nhsuk-frontend"
rm -rf "$dest" && mkdir -p "$dest"
src="nhsuk-frontend-$nhsuk/package/dist/nhsuk"
cp "$src/nhsuk-frontend.min.js" "$dest/"
cp -r "$src/assets" "$dest/"
# The stylesheet points its icons at /assets/ and its fonts at a CDN. Point the icons at the
# vendored copies (relative to the stylesheet) and drop the remote font faces: the licensed
# NHS font is not ours to redistribute, and the stack falls back to Arial.
sed -e 's#url(/assets/#url(assets/#g' "$src/nhsuk-frontend.min.css" \
  | python3 -c 'import re,sys; sys.stdout.write(re.sub(r"@font-face\{[^}]*assets\.nhs\.uk[^}]*\}", "", sys.stdin.read()))' \
  >"$dest/nhsuk-frontend.min.css"
cp "nhsuk-frontend-$nhsuk/package/package.json" "$dest/package.json"

mkdir -p "$root/static/vendor/htmx"
cp "htmx.org-$htmx/package/dist/htmx.min.js" "$root/static/vendor/htmx/htmx.min.js"
cp "htmx.org-$htmx/package/LICENSE" "$root/static/vendor/htmx/LICENSE"

mkdir -p "$root/tests/browser/vendor"
cp "axe-core-$axe/package/axe.min.js" "$root/tests/browser/vendor/axe.min.js"
cp "axe-core-$axe/package/LICENSE" "$root/tests/browser/vendor/axe-core-LICENSE"
echo "vendored nhsuk-frontend $nhsuk, htmx.org $htmx, axe-core $axe"
