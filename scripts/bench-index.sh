#!/usr/bin/env bash
# Times searchd itself indexing a store of generated articles from an
# empty index, until /healthz reports no lag: the load benchmark's corpus
# (internal/index, -searchload.mix), written into a store as `searchd
# import` would. Prints wall-clock seconds, searchd's CPU seconds and
# articles per second.
#
#   scripts/bench-index.sh [N] [MIX] [SEARCHD]     (defaults: 20000 analyst, a fresh build of ./cmd/searchd)
set -euo pipefail
n=${1:-20000}
mix=${2:-analyst}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
pid=
searchd=${3:-}
if [ -z "$searchd" ]; then
	go build -o "$work/searchd" ./cmd/searchd
	searchd=$work/searchd
fi
go test -run '^TestLoadStore$' ./internal/index/ -args -searchload="$n" -searchload.mix="$mix" -searchload.store="$work/data" >/dev/null
start=$(date +%s.%N)
"$searchd" -data "$work/data" -index "$work/index" -addr 127.0.0.1:0 -log json 2>"$work/log" &
pid=$!
addr=
while :; do
	sleep 0.2
	kill -0 "$pid" || { cat "$work/log"; exit 1; }
	[ -n "$addr" ] || addr=$(sed -n 's/.*"msg":"listening","addr":"\([^"]*\)".*/\1/p' "$work/log" | head -1)
	[ -n "$addr" ] || continue
	h=$(curl -fsS "$addr/healthz" 2>/dev/null || true)
	case $h in *'"lag":0,'*) break ;; esac
done
end=$(date +%s.%N)
ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
hz=$(getconf CLK_TCK)
awk -v n="$n" -v start="$start" -v end="$end" -v ticks="$ticks" -v hz="$hz" 'BEGIN {
	wall = end - start; cpu = ticks / hz
	printf "searchd indexed %d articles in %.1f s (%.0f articles/s), %.1f CPU s (%.0f per CPU s)\n", n, wall, n / wall, cpu, n / cpu
}'
