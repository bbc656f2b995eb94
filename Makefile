# Riverside — see README.md.
GO       ?= go
BIN      := bin
DEMO_ADDR        ?= 127.0.0.1:8080
DEMO_MIRROR_ADDR ?= 127.0.0.1:8081
DEMO_DATA        ?= data/demo
ADDR   ?= 127.0.0.1:8080
CONFIG ?= sources.yaml
DATA   ?= data
INDEX  ?= index
STATICCHECK_VERSION ?= v0.8.2

.PHONY: all build demo demo-cluster run test lint bench bench-search bench-index extract-bench clean fuzz soak

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

# The offline demo: mirror + crawler (every source every minute) + searchd.
demo: build
	DEMO_ADDR=$(DEMO_ADDR) DEMO_MIRROR_ADDR=$(DEMO_MIRROR_ADDR) DEMO_DATA=$(DEMO_DATA) BIN=$(BIN) ./scripts/demo.sh

# The offline demo scaled out: mirror + PostgreSQL store + Redis frontier +
# two crawler workers + two searchd replicas (needs Debian's postgresql and
# redis-server).
demo-cluster: build
	DEMO_ADDR=$(DEMO_ADDR) DEMO_MIRROR_ADDR=$(DEMO_MIRROR_ADDR) BIN=$(BIN) ./scripts/demo-cluster.sh

# The real thing: crawler daemon and searchd against sources.yaml.
run: build
	CONFIG=$(CONFIG) DATA=$(DATA) INDEX=$(INDEX) ADDR=$(ADDR) BIN=$(BIN) ./scripts/run.sh

test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

# Every fuzz target for FUZZTIME (seed corpora in testdata/fuzz run in
# make test anyway).
FUZZTIME ?= 10s
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) ./scripts/fuzz.sh

# A long run of the random crash trials (e2e/crash_test.go; make test runs
# 20). SOAK_SEED replays a failed schedule.
SOAK_TRIALS ?= 500
SOAK_SEED   ?= 0
soak:
	RIVERSIDE_CRASH_TRIALS=$(SOAK_TRIALS) RIVERSIDE_CRASH_SEED=$(SOAK_SEED) $(GO) test -count=1 -timeout 3h -v -run '^TestCrashTrials$$' ./e2e

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

SHARED ?= ../shared

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./... | $(GO) run ./scripts/benchtable
	@echo
	@echo "extraction, Riverside against go-trafilatura (same pages, same run):"
	cd bench/trafilatura && $(GO) run . -dir $(abspath $(SHARED))/extract-bench
	@echo
	@echo "archive: searchd import, export to JSONL and WACZ on generated corpora (peak RSS per command):"
	$(GO) run ./cmd/exportbench -n 10000,100000 -captures 10000

# The search load benchmark of issue #10 at full size: Riverside's
# /api/search beside plain Bleve on SEARCH_DOCS generated articles (see
# internal/index/load_test.go). Takes a while: indexing both is most of it.
# SEARCH_MIX=heavy runs the old mix of a few hundred words.
SEARCH_DOCS ?= 100000
SEARCH_MIX ?= analyst
INDEX_DOCS ?= 20000
bench-search:
	$(GO) test -run '^TestSearchLoad$$' -v -timeout 4h ./internal/index/ -args -searchload=$(SEARCH_DOCS) -searchload.mix=$(SEARCH_MIX)

# searchd itself indexing a store of generated articles (INDEX_DOCS, default 20000) from an empty index.
bench-index:
	bash scripts/bench-index.sh $(INDEX_DOCS) $(SEARCH_MIX)

# Dev scores (every rule on) and held-out scores (each site extracted with
# only the rule families that helped the other sites); see cmd/extractbench.
extract-bench:
	$(GO) run ./cmd/extractbench -dir $(SHARED)/extract-bench/dev -heldout
	$(GO) run ./cmd/extractbench -dir $(SHARED)/extract-bench/zh-dev -cjk -heldout
	$(GO) run ./cmd/extractbench -dir internal/extract/testdata/zhbench -cjk

clean:
	rm -rf $(BIN) data/demo
