# eksaccess: `make demo` shows the main job against the bundled emulator;
# `make test` runs every test. See README.md.

GO      ?= go
BIN     := bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
# eksaccess version shows all three (debug.ReadBuildInfo fills what is missing)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)

.PHONY: all build demo test vet fmt-check lint bench microbench docs clean

GOLANGCI_LINT_VERSION := v2.15.0
GOBIN ?= $(shell $(GO) env GOPATH)/bin

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/eksaccess ./cmd/eksaccess
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/eks-emulator ./cmd/eks-emulator

## demo: build, start the emulator on a free loopback port, create, describe, list, stop
demo: build
	@bash scripts/demo.sh $(BIN)

## test: vet, formatting, and every test with the race detector
test: vet fmt-check
	$(GO) test -race -count=1 ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

## lint: golangci-lint (.golangci.yaml), installed at a pinned version if missing
lint:
	@if ! $(GOBIN)/golangci-lint version 2>/dev/null | grep -q '$(patsubst v%,%,$(GOLANGCI_LINT_VERSION))'; then \
		echo "installing golangci-lint $(GOLANGCI_LINT_VERSION)"; \
		GOBIN=$(GOBIN) $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION); \
	fi
	$(GOBIN)/golangci-lint run ./...

## bench: measure eksaccess on this machine and regenerate docs/performance.md
## (builds both binaries, starts eks-emulator on loopback; about 4 minutes)
bench:
	$(GO) run ./scripts/bench -o docs/performance.md

## microbench: the Go microbenchmarks alone (request model, planner, formatters, limiter)
microbench:
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/access ./pkg/plan ./pkg/output ./pkg/eksapi

## docs: regenerate docs/reference and completions/ from the commands
docs:
	$(GO) run ./cmd/gendocs

clean:
	rm -rf $(BIN)
