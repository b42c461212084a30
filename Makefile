# eksaccess: `make demo` shows the main job against the bundled emulator;
# `make test` runs every test. See README.md.

GO      ?= go
BIN     := bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
# eksaccess version shows all three (debug.ReadBuildInfo fills what is missing)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)

.PHONY: all build demo test vet fmt-check lint bench microbench fuzz fuzz-list docs clean goreleaser release-check release-snapshot image image-test

GOLANGCI_LINT_VERSION := v2.15.0
GOBIN ?= $(shell $(GO) env GOPATH)/bin

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/eksaccess ./cmd/eksaccess
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/eks-emulator ./cmd/eks-emulator

## demo: build, start the emulator on a free loopback port, create, describe, list, stop
## (it says so before building: a first build is minutes of silent compiling)
demo:
	@echo "demo: building eksaccess and eks-emulator into $(BIN)/ (the first build downloads modules and takes a few minutes)..."
	@$(MAKE) --no-print-directory -s build
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
	$(GO) test -run '^$$' -bench . -benchmem ./pkg/access ./pkg/accessfile ./pkg/plan ./pkg/output ./pkg/eksapi

## fuzz: run every fuzz target (func FuzzXxx(f *testing.F) in any *_test.go
## under pkg/ or cmd/) for FUZZTIME each, one `go test -fuzz` per target;
## FUZZ_TARGETS=pkg/access:FuzzTags picks some; `make fuzz-list` names them all
FUZZTIME ?= 10s
FUZZ_TARGETS ?= $(shell grep -oE '^func Fuzz[A-Za-z0-9_]*\([A-Za-z_][A-Za-z0-9_]* \*testing\.F\)' $$(find pkg cmd -name '*_test.go') /dev/null | \
	sed -E 's|/[^/]*_test\.go:func (Fuzz[A-Za-z0-9_]*).*|:\1|' | sort -u)
fuzz:
	@failed=; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} in ./$${t%%:*} for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}\$$" -fuzztime $(FUZZTIME) ./$${t%%:*} || failed="$$failed $$t"; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed"; exit 1; fi

fuzz-list:
	@for t in $(FUZZ_TARGETS); do echo $$t; done

## docs: regenerate docs/reference and completions/ from the commands, and the
## man pages into manpages/ (git-ignored; dated with the last commit)
docs:
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || date +%s) $(GO) run ./cmd/gendocs -man manpages

GORELEASER_VERSION := v2.17.0
GORELEASER := $(GOBIN)/goreleaser
# goreleaser builds the images (dockers_v2) with docker buildx, into the
# local Docker daemon in a snapshot; without both, the snapshot skips them
# (a release pushes them to the registry). `make image-test` builds the same
# Containerfile with podman, and runs it.
IMAGE_SKIP = $(if $(shell docker info >/dev/null 2>&1 && docker buildx version >/dev/null 2>&1 && echo up),,--skip=docker)
# goreleaser reads the commit and its date from git only when the clone has a
# remote (git ls-remote --get-url); a clone without one gets the project's,
# in goreleaser's environment only (the repository's config is untouched).
NO_REMOTE_ENV = $(if $(shell git remote 2>/dev/null),,GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0=https://github.com/eksaccess/eksaccess.git)

## goreleaser: the pinned goreleaser in GOBIN, installed if missing or another version
goreleaser:
	@if ! $(GORELEASER) --version 2>/dev/null | grep -Eq 'GitVersion: +$(GORELEASER_VERSION)$$'; then \
		echo "installing goreleaser $(GORELEASER_VERSION) (a first build takes several minutes)"; \
		GOBIN=$(GOBIN) $(GO) install github.com/goreleaser/goreleaser/v2@$(GORELEASER_VERSION); \
	fi

## release-check: goreleaser's own check of .goreleaser.yaml
release-check: goreleaser
	$(GORELEASER) check

## release-snapshot: every archive, package, the Homebrew cask and the krew
## manifest into dist/, nothing published; then check their checksums,
## versions, man pages and the manifest
release-snapshot: goreleaser
	@$(if $(IMAGE_SKIP),echo "release-snapshot: the container images (dockers_v2) are skipped: no Docker daemon with buildx (or IMAGE_SKIP given); make image-test builds them with podman",true)
	$(NO_REMOTE_ENV) $(GORELEASER) release --snapshot --clean --skip=sign $(IMAGE_SKIP)
	bash scripts/release-check.sh dist

## image: the eksaccess and eks-emulator images from ./Containerfile with podman
## (FROM scratch: no registry, no daemon), for linux/amd64 and linux/arm64,
## as localhost/eksaccess:dev and localhost/eks-emulator:dev
image:
	VERSION=$(VERSION) COMMIT=$(COMMIT) bash scripts/image.sh dev

## image-test: build the images, then run them: the eks-emulator image serves
## a cluster, the eksaccess image lists, creates and applies a mounted file
## with README's docker run line (needs podman and runc: see README)
image-test:
	VERSION=$(VERSION) COMMIT=$(COMMIT) bash scripts/image-test.sh

clean:
	rm -rf $(BIN) dist manpages
