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

.PHONY: all build demo run test lint bench bench-search extract-bench clean

all: build

build:
	$(GO) build -o $(BIN)/ ./cmd/...

# The offline demo: mirror + crawler (every source every minute) + searchd.
demo: build
	DEMO_ADDR=$(DEMO_ADDR) DEMO_MIRROR_ADDR=$(DEMO_MIRROR_ADDR) DEMO_DATA=$(DEMO_DATA) BIN=$(BIN) ./scripts/demo.sh

# The real thing: crawler daemon and searchd against sources.yaml.
run: build
	CONFIG=$(CONFIG) DATA=$(DATA) INDEX=$(INDEX) ADDR=$(ADDR) BIN=$(BIN) ./scripts/run.sh

test:
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

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

# The search load benchmark of issue #10 at full size: Riverside's
# /api/search beside plain Bleve on SEARCH_DOCS generated articles (see
# internal/index/load_test.go). Takes a while: indexing both is most of it.
SEARCH_DOCS ?= 100000
bench-search:
	$(GO) test -run '^TestSearchLoad$$' -v -timeout 4h ./internal/index/ -args -searchload=$(SEARCH_DOCS)

extract-bench:
	$(GO) run ./cmd/extractbench -dir $(SHARED)/extract-bench/dev
	$(GO) run ./cmd/extractbench -dir $(SHARED)/extract-bench/zh-dev -cjk

clean:
	rm -rf $(BIN) data/demo
