# Legato — the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/legato
ADDR    ?= 127.0.0.1:8080
DATA    ?= ./data
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)

.PHONY: all build run test deps vet bench bench-search clean

all: build

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/legato

## run: start `legato server` with embedded storage on $(ADDR), data in $(DATA).
run: build
	./$(BIN) server --addr $(ADDR) --data $(DATA)

## deps: every Go module the build and the tests need, for both modules in
## go.work (only those: `go mod download` would also fetch modules nothing
## here imports, some of which the proxy no longer serves).
deps:
	$(GO) list -deps -test ./... >/dev/null
	cd loadtest && $(GO) list -deps -test ./... >/dev/null

vet: deps
	$(GO) vet ./...
	cd loadtest && $(GO) vet ./...

## test: install what the tests need and run them all with the race detector.
## go test prints one ok or FAIL line per package, in package order; e2e/
## (the real binary end to end) takes minutes, so it runs on its own after
## the rest (internal/lint, the import rules, among them) have reported.
test: deps vet
	$(GO) test -race -timeout 20m $$($(GO) list ./... | grep -v '/e2e$$')
	# -count=1: e2e and loadgen tests build the binary themselves, which Go's test
	# cache cannot see, so a cached pass could hide a server change.
	$(GO) test -race -count=1 -timeout 20m ./e2e/
	cd loadtest && $(GO) test -race -count=1 ./...

## bench: throughput (also with 20% of first attempts failing), idle memory,
## WAIT timer lateness, wide dynamic fork (fanout) and long DO_WHILE (loop)
## figures from the load generator.
bench: build
	bash loadtest/bench.sh ./$(BIN)

## bench-search: fill the embedded search index with 1,000,000 workflow
## summaries (and 3,000,000 task summaries) and time the common searches.
bench-search:
	cd loadtest && $(GO) run ./cmd/searchbench -workflows $${SEARCH_WORKFLOWS:-1000000}

clean:
	rm -rf bin
