#!/usr/bin/env bash
# Runs Riverside for real: the crawler daemon on sources.yaml and searchd,
# until Ctrl-C, which stops both cleanly.
set -euo pipefail
BIN=${BIN:-bin}
CONFIG=${CONFIG:-sources.yaml}
DATA=${DATA:-data}
INDEX=${INDEX:-index}
ADDR=${ADDR:-127.0.0.1:8080}

"$BIN/crawler" check -config "$CONFIG"
pids=()
stop() {
	trap - INT TERM EXIT
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	wait || true
}
trap stop INT TERM EXIT
"$BIN/crawler" run -config "$CONFIG" -data "$DATA" &
pids+=($!)
"$BIN/searchd" -addr "$ADDR" -data "$DATA" -index "$INDEX" &
pids+=($!)
echo "run: search at http://$ADDR/ ; Ctrl-C stops both"
wait -n "${pids[@]}" || true
