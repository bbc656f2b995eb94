#!/usr/bin/env bash
# Runs every Go fuzz target of the module (func FuzzXxx in a _test.go file
# under cmd/ and internal/) for FUZZTIME each, one after another. A crasher
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
		"$GO" test -run '^$' -fuzz "^${fn}\$" -fuzztime "$FUZZTIME" "$pkg"
		n=$((n + 1))
	done
done
echo "fuzz: $n targets, $FUZZTIME each, no crasher"
