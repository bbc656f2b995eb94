#!/usr/bin/env bash
# Runs Riverside scaled out on one machine, until Ctrl-C: the offline
# mirror (with a generated bulk site), a PostgreSQL server holding the
# store, a Redis server holding the crawl frontier, two crawler workers
# sharing that frontier, and two searchd replicas, each following the
# store's log into its own index. Everything listens on 127.0.0.1.
#
# PostgreSQL and Redis come from Debian's packages (postgresql,
# redis-server); they are started here in DEMO_DATA, never as system
# services. initdb refuses to run as root: under root the server runs as
# the "postgres" user that Debian's package creates.
set -euo pipefail
BIN=${BIN:-bin}
DEMO_DATA=${DEMO_DATA:-data/demo-cluster}
DEMO_MIRROR_ADDR=${DEMO_MIRROR_ADDR:-127.0.0.1:8081}
DEMO_ADDR=${DEMO_ADDR:-127.0.0.1:8080}
DEMO_ADDR2=${DEMO_ADDR2:-127.0.0.1:8082}
DEMO_PG_PORT=${DEMO_PG_PORT:-55432}
DEMO_REDIS_PORT=${DEMO_REDIS_PORT:-56379}
DEMO_BULK=${DEMO_BULK:-500}

say() { echo "demo-cluster: $*"; }
die() { echo "demo-cluster: $*" >&2; exit 1; }

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] || die "PostgreSQL's server is not installed (apt-get install postgresql)"
command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install redis-server)"

mkdir -p "$DEMO_DATA"
DEMO_DATA=$(cd "$DEMO_DATA" && pwd)
pgdata="$DEMO_DATA/pg"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 || die "running as root, and there is no postgres user to run PostgreSQL as"
	as_pg=(runuser -u postgres --)
	# The postgres user must reach its data directory: a clone under a
	# private home (/root is 0700) cannot hold it.
	if ! runuser -u postgres -- test -x "$DEMO_DATA"; then
		pgdata="${TMPDIR:-/tmp}/riverside-demo-cluster-pg"
		say "postgres cannot enter $DEMO_DATA: its cluster lives in $pgdata"
	fi
fi

pids=()
pg_started=""
stop() {
	trap - INT TERM EXIT
	echo; say "stopping"
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	wait || true
	if [ -n "$pg_started" ]; then "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m fast stop >/dev/null || true; fi
}
trap stop INT TERM EXIT

# PostgreSQL: a cluster of its own, kept across runs in DEMO_DATA/pg.
if [ ! -s "$pgdata/PG_VERSION" ]; then
	mkdir -p "$pgdata"
	[ ${#as_pg[@]} -gt 0 ] && chown postgres "$pgdata"
	"${as_pg[@]}" "$pgbin/initdb" -D "$pgdata" -U riverside --auth=trust --encoding=UTF8 --locale=C >"$DEMO_DATA/initdb.log" 2>&1 ||
		die "initdb failed: see $DEMO_DATA/initdb.log"
fi
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/log" -w -t 60 \
	-o "-c listen_addresses=127.0.0.1 -p $DEMO_PG_PORT -c unix_socket_directories=''" start >/dev/null ||
	die "PostgreSQL did not start: see $pgdata/log"
pg_started=1
"$pgbin/psql" -h 127.0.0.1 -p "$DEMO_PG_PORT" -U riverside -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'riverside'" | grep -q 1 ||
	"$pgbin/createdb" -h 127.0.0.1 -p "$DEMO_PG_PORT" -U riverside riverside
store="postgres://riverside@127.0.0.1:$DEMO_PG_PORT/riverside?sslmode=disable"

# Redis: the shared frontier; nothing of it needs to survive a restart.
redis-server --bind 127.0.0.1 --port "$DEMO_REDIS_PORT" --save '' --appendonly no --dir "$DEMO_DATA" --logfile "$DEMO_DATA/redis.log" &
pids+=($!)
queue="redis://127.0.0.1:$DEMO_REDIS_PORT/0"

sources="$DEMO_DATA/mirror-sources.yaml"
rm -f "$sources"
"$BIN/mirror" -addr "$DEMO_MIRROR_ADDR" -sources "$sources" -generate "$DEMO_BULK" &
pids+=($!)
for _ in $(seq 100); do [ -s "$sources" ] && break; sleep 0.1; done
[ -s "$sources" ] || die "the mirror did not start"

for w in 1 2; do
	"$BIN/crawler" run -config "$sources" -data "$DEMO_DATA" -store "$store" -queue "$queue" \
		-user-agent "RiversideBot/0.1 (demo-cluster worker $w)" &
	pids+=($!)
done
n=0
replica_pids=()
for addr in "$DEMO_ADDR" "$DEMO_ADDR2"; do
	n=$((n + 1))
	"$BIN/searchd" -allow-private-webhooks -addr "$addr" -data "$DEMO_DATA" -store "$store" \
		-index "$DEMO_DATA/index-$n" -replica-id "replica-$n" &
	pids+=($!)
	replica_pids+=($!)
done

say "mirror     http://$DEMO_MIRROR_ADDR/"
say "replica 1  http://$DEMO_ADDR/   (try: http://$DEMO_ADDR/?q=滨江)"
say "replica 2  http://$DEMO_ADDR2/"
say "health     curl http://$DEMO_ADDR/healthz   (lag behind the log, alert lease)"
say "store      $store"
say "frontier   $queue"
say "failover   kill ${replica_pids[0]}   (replica 1; the other takes the alert lease within -lease-ttl)"
say "Ctrl-C stops everything"
# One process ending (a replica killed to watch the other take over) does
# not end the demo: only Ctrl-C does.
wait || true
