#!/usr/bin/env bash
# Runs every Go fuzz target of the module (func FuzzXxx in a _test.go file
# under cmd/ and internal/) for FUZZTIME each (a duration, or a count of
# inputs such as 1000x), one after another. A crasher
# is written by go test to the package's testdata/fuzz/FuzzXxx/, where it
# becomes a regression test once committed.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-10s}
n=0
for file in $(grep -rl --include='*_test.go' '^func Fuzz' cmd internal | sort); do
	pkg=./$(dirname "$file")
	for fn in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
		echo "fuzz: $pkg $fn for $FUZZTIME"
		log=$(mktemp)
		for try in 1 2; do
			if "$GO" test -run '^$' -fuzz "^${fn}\$" -fuzztime "$FUZZTIME" "$pkg" 2>&1 | tee "$log"; then
				break
			fi
			# Go 1.26's fuzzing coordinator can fail a target with a bare
			# "context deadline exceeded" when a duration -fuzztime ends while
			# a worker is busy (golang/go#75804, fixed in Go 1.27): no input
			# failed and none was written. That, and only that, is tried
			# once more; a count budget (FUZZTIME=1000x) cannot hit it.
			if [ "$try" = 2 ] || grep -q 'Failing input written' "$log" ||
				! grep -q '^    context deadline exceeded$' "$log"; then
				rm -f "$log"
				exit 1
			fi
			echo "fuzz: $fn stopped on the coordinator's deadline race with no failing input; once more"
		done
		rm -f "$log"
		n=$((n + 1))
	done
done
echo "fuzz: $n targets, $FUZZTIME each, no crasher"
