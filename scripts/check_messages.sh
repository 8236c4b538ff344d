#!/usr/bin/env bash
# Fails when a user-visible string in the code has no French translation:
# regenerates every app's catalogue in a scratch copy and counts untranslated or fuzzy entries.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$root/.venv/bin/python"
if ! command -v msgattrib >/dev/null; then
  echo "check_messages: gettext is not installed (apt-get install gettext); skipped" >&2
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/coops" "$root/manage.py" "$tmp/"
status=0
for app in "$@"; do
  (cd "$tmp/coops/$app" && mkdir -p locale && \
    "$python" ../../manage.py makemessages -l fr --no-obsolete --add-location file -i "tests/*" >/dev/null)
  po="$tmp/coops/$app/locale/fr/LC_MESSAGES/django.po"
  missing="$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid' || true)"
  fuzzy="$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid' || true)"
  # A catalogue with entries prints the header msgid too.
  [ "$missing" -gt 0 ] && missing=$((missing - 1))
  [ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
  if [ "$missing" -gt 0 ] || [ "$fuzzy" -gt 0 ]; then
    echo "coops/$app: $missing untranslated, $fuzzy fuzzy French strings; run 'make messages' and translate:"
    msgattrib --untranslated --only-fuzzy --no-obsolete "$po" | grep -A2 '^msgid' | head -40 || true
    msgattrib --untranslated --no-obsolete "$po" | grep '^msgid' | head -20 || true
    status=1
  fi
  committed="$root/coops/$app/locale/fr/LC_MESSAGES"
  msgfmt --check-format -o "$tmp/$app.mo" "$committed/django.po"
  if ! cmp -s "$tmp/$app.mo" "$committed/django.mo"; then
    echo "coops/$app: django.mo is not compiled from django.po; run 'make messages'"
    status=1
  fi
done
[ $status -eq 0 ] && echo "check_messages: every string has its French translation ($*)"
exit $status
