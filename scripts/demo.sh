#!/usr/bin/env bash
# Runs the offline demo: the mirror, the crawler on the mirror's sources
# (every source re-crawled every minute) and searchd, until Ctrl-C.
set -euo pipefail
BIN=${BIN:-bin}
DEMO_ADDR=${DEMO_ADDR:-127.0.0.1:8080}
DEMO_MIRROR_ADDR=${DEMO_MIRROR_ADDR:-127.0.0.1:8081}
DEMO_DATA=${DEMO_DATA:-data/demo}

mkdir -p "$DEMO_DATA"
sources="$DEMO_DATA/mirror-sources.yaml"
rm -f "$sources"
pids=()
stop() {
	trap - INT TERM EXIT
	echo; echo "demo: stopping"
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	wait || true
}
trap stop INT TERM EXIT

"$BIN/mirror" -addr "$DEMO_MIRROR_ADDR" -sources "$sources" &
pids+=($!)
for _ in $(seq 100); do [ -s "$sources" ] && break; sleep 0.1; done
[ -s "$sources" ] || { echo "demo: the mirror did not start" >&2; exit 1; }

"$BIN/crawler" run -config "$sources" -data "$DEMO_DATA" &
pids+=($!)
"$BIN/searchd" -allow-private-webhooks -addr "$DEMO_ADDR" -data "$DEMO_DATA" -index "$DEMO_DATA/index" &
pids+=($!)

echo "demo: mirror  http://$DEMO_MIRROR_ADDR/"
echo "demo: search  http://$DEMO_ADDR/   (try: http://$DEMO_ADDR/?q=滨江)"
echo "demo: publish curl -X POST http://$DEMO_MIRROR_ADDR/_mirror/publish -d '{\"site\":\"hhtz\"}'"
echo "demo: Ctrl-C stops everything"
wait -n "${pids[@]}" || true
