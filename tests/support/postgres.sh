#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, from Debian's packages (postgresql):
#   tests/support/postgres.sh start DIR   a new cluster in DIR, serving on a Unix socket there
#   tests/support/postgres.sh stop DIR
# No TCP port (nothing else on the machine can reach it, and parallel builds do not collide);
# user `convene`, trusted; fsync off (a test's data need not survive a power cut). PostgreSQL
# refuses to run as root: as root, the server runs as Debian's `postgres` user.
set -euo pipefail
action=${1:?start or stop}
dir=${2:?directory}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed (scripts/install-deps.sh test installs it)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
}

case "$action" in
  start)
    # A server left by a run that was killed goes first: every run starts from nothing.
    stop || true
    rm -rf "$dir"
    mkdir -p "$dir"
    chmod 700 "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U convene -E UTF8 --no-sync \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-k $dir -h '' -F -c max_connections=300" start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 1; }
    # Extensions live in one schema of a database; each test has a schema of its own and
    # public behind it, where the migrations' citext is then found.
    as_owner "$bin/psql" -h "$dir" -U convene -d postgres -q -c "CREATE EXTENSION citext"
    echo "PostgreSQL serving on $dir"
    ;;
  stop)
    stop
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
