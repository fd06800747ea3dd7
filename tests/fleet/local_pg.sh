#!/usr/bin/env bash
# A throwaway PostgreSQL server on loopback for the fleet tests (Debian's postgresql package).
#   local_pg.sh start DIR [WATCH_PID]  initdb + pg_ctl start under DIR on a free port; prints
#                                      the URL of database "inferlab" (user postgres, password
#                                      in the URL). With WATCH_PID, a watchdog stops the server
#                                      and removes DIR once that process is gone.
#   local_pg.sh stop DIR               stops the server (immediate) and removes DIR
set -euo pipefail
cmd=$1
dir=$(realpath -m "$2")
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "$cmd" = stop ]; then
  [ -f "$dir/data/postmaster.pid" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi
[ "$cmd" = start ] || { echo "usage: $0 start|stop DIR [WATCH_PID]" >&2; exit 2; }
[ -n "$bin" ] && [ -x "$bin/initdb" ] || { echo "local_pg: PostgreSQL server not installed (postgresql)" >&2; exit 3; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -p "$dir"
echo "$password" >"$dir/pwfile"
[ "$(id -u)" -eq 0 ] && chown -R postgres "$dir"
as_pg "$bin/initdb" -D "$dir/data" -U postgres -A scram-sha-256 --pwfile="$dir/pwfile" >"$dir/initdb.log" 2>&1 ||
  { echo "local_pg: initdb failed:" >&2; tail -5 "$dir/initdb.log" >&2; exit 4; }
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=on" \
  start >/dev/null 2>&1 || { echo "local_pg: server did not start:" >&2; tail -5 "$dir/server.log" >&2; exit 4; }
if [ -n "${3:-}" ]; then
  setsid bash -c "while kill -0 $3 2>/dev/null && [ -d '$dir' ]; do sleep 1; done; '$0' stop '$dir'" \
    </dev/null >/dev/null 2>&1 &
fi
PGPASSWORD=$password "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres inferlab
echo "postgresql://postgres:$password@127.0.0.1:$port/inferlab"
