#!/usr/bin/env bash
# make upgrade: once the new code is in place (git pull), a backup, the migrations, and a
# restart of the site, in that order; any step that fails stops the rest.
#
#   make upgrade ENV_FILE=/var/lib/sipakatau/sipakatau.env     # a production set-up
#   make upgrade                                             # a development checkout
#
# The backup comes first and must succeed: a migration that goes wrong is undone by
# restoring it (manage.py restore, docs/operator.md). Run as root, the backup and the
# migrations run as the site's account (SITE_USER, default sipakatau), so that their files
# stay its own; the units of deploy/systemd are restarted if systemd runs them. Otherwise
# it says what to restart.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
site_user=${SITE_USER:-sipakatau}
units=(sipakatau.service sipakatau-worker.service)

if [ -n "${ENV_FILE:-}" ]; then
  if [ ! -r "$ENV_FILE" ]; then
    echo "upgrade: cannot read ENV_FILE=$ENV_FILE" >&2
    exit 1
  fi
  # KEY=VALUE lines as init_production writes them (no spaces, no quotes needed).
  set -a
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  set +a
fi

run=()
if [ "$(id -u)" -eq 0 ] && id "$site_user" >/dev/null 2>&1; then
  run=(runuser -u "$site_user" --)
fi

echo "== backup"
"${run[@]}" "$python" manage.py backup --no-progress
echo "== migrate"
"${run[@]}" "$python" manage.py migrate --no-input
echo "== restart"
running=()
if [ -d /run/systemd/system ]; then
  for unit in "${units[@]}"; do
    if systemctl is-enabled --quiet "$unit" 2>/dev/null || systemctl is-active --quiet "$unit"; then
      running+=("$unit")
    fi
  done
fi
if [ ${#running[@]} -eq 0 ]; then
  echo "Restart the site now so that the new code runs: stop manage.py serve (Ctrl-C, or"
  echo "however it was started) and start it again, e.g. manage.py serve --env-file FILE."
elif [ "$(id -u)" -eq 0 ]; then
  systemctl restart "${running[@]}"
  echo "restarted: ${running[*]}"
else
  echo "Restart the site now: sudo systemctl restart ${running[*]}"
fi
