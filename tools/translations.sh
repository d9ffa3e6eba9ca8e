#!/bin/sh
# Extract the messages mgovern prints, merge them into the Swedish catalogue and compile
# it (see src/mgovern/i18n.py). Run from the repository's root; then fill in the empty
# msgstr of src/mgovern/locale/sv/LC_MESSAGES/mgovern.po and run it again.
set -eu
pot="${TMPDIR:-/tmp}/mgovern.pot"
pybabel extract -F babel.cfg --no-location --sort-output --project mgovern -o "$pot" src/mgovern
pybabel update -i "$pot" -d src/mgovern/locale -D mgovern -l sv --no-fuzzy-matching \
  --ignore-obsolete --no-wrap
pybabel compile -d src/mgovern/locale -D mgovern -l sv --statistics
