#!/usr/bin/env bash
# Render the example's notice (KLG, 17 March 2026, the sample items) as HTML and take a
# screenshot of it with headless Chromium: docs/images/notice.png.
#   apt-get install -y chromium      # Debian's package
#   bash plugins/mgovern-documents/scripts/notice-png.sh
set -euo pipefail
cd "$(dirname "$0")/../../.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
items="$(python -c 'import mgovern, pathlib; print(pathlib.Path(mgovern.__file__).parent / "examples" / "agenda-items.toml")')"
mgovern documents --group klg --date 2026-03-17 --items "$items" \
  --kind notice --format html --to "file://$out"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --force-device-scale-factor=1 --window-size=960,1690 \
  --screenshot="$PWD/docs/images/notice.png" "file://$out/klg/2026-03-17/kallelse.html"
