#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the persistence tests (installing Debian's
# package first when the machine has none). Source it: it exports SHIPOPT_TEST_POSTGRES_URL and
# PG_STOP (the command that stops the server).
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PG_DIR=$(mktemp -d /tmp/shipopt-pg.XXXXXX)
PG_PORT=${PG_PORT:-55432}
as_pg=()
if [ "$(id -u)" = 0 ]; then
    chown postgres "$PG_DIR"
    as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres >/dev/null
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
"${as_pg[@]}" "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres shipopt_test
export SHIPOPT_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PG_PORT/shipopt_test"
PG_STOP="${as_pg[*]} $PG_BIN/pg_ctl -D $PG_DIR/data -m fast stop"
export PG_STOP
