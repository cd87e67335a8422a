#!/bin/sh
# The container's entry point (PID 1 is tini): deploy/entrypoint.sh ROLE [ARGS…]
#
#   web           check --deploy, then gunicorn (deploy/gunicorn.conf.py) on $PORT
#   worker        check --deploy, then the Dramatiq worker processes
#                 ($ATELIER_WORKER_PROCESSES processes of $ATELIER_WORKER_THREADS threads)
#   scheduler     the periodic work (one leader at a time, through a Redis lock)
#   migrate       the database migrations, then exit 0 (a one-shot task before a rollout)
#   manage ARGS…  any manage.py command, e.g. `manage create_tenant acme`
#
# A role refuses to start when its production configuration is missing: the settings (one line
# naming the variable) and `check --deploy --fail-level WARNING` do the refusing. The role's
# final process is exec'd, so SIGTERM reaches it: gunicorn finishes its requests within
# GUNICORN_GRACEFUL_TIMEOUT, Dramatiq finishes or requeues its messages.
set -eu

cd /app
# The root file system is read-only: the app writes only under ATELIER_VAR_DIR and /tmp.
mkdir -p "${ATELIER_VAR_DIR:-/tmp/atelier}"
[ -z "${PROMETHEUS_MULTIPROC_DIR:-}" ] || mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

usage() {
  echo "usage: entrypoint.sh web|worker|scheduler|migrate|manage ARGS…" >&2
  exit 64
}

check_deploy() {  # its report goes to stderr; stdout stays JSON log lines
  python manage.py check --deploy --fail-level WARNING >/dev/null
}

role=${1:-web}
[ "$#" -gt 0 ] && shift
case "$role" in
  web)
    check_deploy
    # Metric files of gunicorn workers from an earlier start of this container would be
    # counted again (the directory is shared by this server's workers only).
    if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
      find "$PROMETHEUS_MULTIPROC_DIR" -mindepth 1 -delete
    fi
    exec gunicorn -c deploy/gunicorn.conf.py "$@" config.wsgi
    ;;
  worker)
    check_deploy
    exec python manage.py run_workers --processes "${ATELIER_WORKER_PROCESSES:-2}" \
      --threads "${ATELIER_WORKER_THREADS:-4}" "$@"
    ;;
  scheduler)
    exec python manage.py run_scheduler "$@"
    ;;
  migrate)
    exec python manage.py migrate --no-input "$@"
    ;;
  manage)
    [ "$#" -gt 0 ] || usage
    exec python manage.py "$@"
    ;;
  -h | --help | help)
    usage
    ;;
  *)
    echo "entrypoint.sh: unknown role '$role'" >&2
    usage
    ;;
esac
