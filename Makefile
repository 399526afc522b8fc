# newsflow: build, test, lint, protobuf, local services.
# `make test` is what CI runs (.ci/run); it installs and starts what it needs.

SHELL      := bash
GO         ?= go
BIN        := bin
SERVICES   := fetcher cleaner enricher newsctl
PKGS       := ./pkg/... $(addsuffix /...,$(addprefix ./services/,$(SERVICES)))
GOBIN      := $(shell $(GO) env GOPATH)/bin
BUF_VERSION          := v1.75.0
PROTOC_GEN_GO_VERSION := v1.36.12
STATICCHECK_VERSION  := v0.8.2
BUF        := $(GOBIN)/buf
PROTOC_GEN_GO := $(GOBIN)/protoc-gen-go
STATICCHECK := $(GOBIN)/staticcheck
export PATH := $(GOBIN):$(PATH)

.PHONY: bench bench-compare test-fuzz all build test test-unit test-integration test-deploy test-k8s chaos bench-extract bench-enrich image proto proto-check lint up down clean help

VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
REGISTRY   ?= ghcr.io/newsflow

all: build

help: ## list targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

build: ## build every binary into bin/
	@mkdir -p $(BIN)
	@for s in $(SERVICES); do $(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(BIN)/$$s ./services/$$s || exit 1; done
	@echo "built: $(addprefix $(BIN)/,$(SERVICES))"

test: proto-check lint test-unit test-fuzz test-integration test-deploy test-k8s ## everything CI checks: schema, lint, unit, integration, end-to-end, chaos (small) and Kubernetes tests

test-unit: ## unit tests (no network services)
	$(GO) test -short -count=1 $(PKGS)

# Each fuzz target runs briefly from its committed seed corpus (testdata/fuzz);
# `make test-fuzz FUZZTIME=1000000x` for a longer hunt. A count, not a
# duration: with a duration, go1.26's fuzz coordinator can fail a target with
# "context deadline exceeded" at the deadline on a loaded machine, with no
# crasher (golang/go#75804, fixed in go1.27).
FUZZTIME ?= 5000x
FUZZ := ./extract:FuzzExtractHTML ./extract:FuzzExtractText ./urlnorm:FuzzCanonical ./dedup:FuzzFingerprint \
	./templates:FuzzFilter ./fetch/feeds:FuzzParseFeed ./fetch/feeds:FuzzParseSitemap ./fetch/robots:FuzzRobots \
	./fetch/guard:FuzzCheckURL ./enrich:FuzzEnrich

test-fuzz: ## run every fuzz target briefly (FUZZTIME each)
	@cd pkg && for t in $(FUZZ); do pkg=$${t%%:*}; fn=$${t##*:}; \
		echo "fuzz $$pkg $$fn ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(FUZZTIME) $$pkg >/tmp/newsflow-fuzz.log 2>&1 || { cat /tmp/newsflow-fuzz.log; exit 1; }; \
	done

test-integration: build ## integration, end-to-end and (small) chaos tests against a real Kafka broker and redis-server
	NEWSFLOW_BIN_DIR=$(CURDIR)/$(BIN) deploy/local/with-services.sh $(GO) test -count=1 -timeout 25m -run 'Integration|E2E' -v $(PKGS) \
		2>&1 | tee /tmp/newsflow-integration.log | grep -E '^(=== RUN|--- |PASS|FAIL|ok|panic|\s+\S+_test.go)' ; \
		exit $${PIPESTATUS[0]}

chaos: build ## issue 4's full chaos run: 3,000 stories, 24 SIGKILLs, Redis and broker restarts; prints lost/duplicated
	NEWSFLOW_BIN_DIR=$(CURDIR)/$(BIN) NEWSFLOW_CHAOS=full $(GO) test -count=1 -timeout 40m -run '^TestE2EChaos$$' -v ./pkg/e2e/

test-deploy: ## deployment files against a real kube-apiserver (dry-run), helm lint, policy and cross-reference tests
	deploy/test/test-deploy.sh

test-k8s: ## newsflow on a real one-node Kubernetes cluster built from the Go module proxy
	deploy/local/with-services.sh deploy/test/test-k8s.sh

image: ## build the container images (needs a Docker engine with buildx; none exists on the CI machine)
	for t in fetcher cleaner enricher newsctl; do \
		docker buildx build -f deploy/docker/Dockerfile --target $$t --build-arg VERSION=$(VERSION) -t $(REGISTRY)/$$t:$(VERSION) . || exit 1; \
	done

BENCH_RUNS     ?= 3
BENCH_SOAK     ?= 2m
BENCH_ALT_ENV  ?=
BENCH_ALT_ARGS ?= --memory-limit=0
BASE           ?= HEAD~1

bench: build ## pipeline benchmark on the real broker and Redis, about 20 min: bench/report.md + .json (BENCH_SOAK=10m for the full soak)
	deploy/local/with-services.sh bash -c 'bench/hotpaths.sh 1 1s > bench/pkgbench.txt; \
		$(GO) run ./pkg/pipebench/cmd/pipebench -bin $(BIN) -out bench -runs $(BENCH_RUNS) -soak $(BENCH_SOAK) \
		-alt-env "$(BENCH_ALT_ENV)" -alt-args "$(BENCH_ALT_ARGS)" -pkg-bench bench/pkgbench.txt'

bench-compare: ## hot-path benchmarks of BASE (default HEAD~1) against the work tree, through benchstat
	bench/compare.sh $(BASE)

bench-extract: ## extraction quality and speed against go-trafilatura and go-readability: pkg/extract/compare/bench-extract.md
	cd pkg/extract/compare && GOWORK=off NEWSFLOW_BENCH_REPORT=$(CURDIR)/pkg/extract/compare/bench-extract.md $(GO) test -count=1 -run '^TestBenchReport$$' -timeout 20m -v .

bench-enrich: ## entity quality on the gold sets and enricher speed: pkg/enrich/bench-enrich.md
	cd pkg && NEWSFLOW_BENCH_REPORT=$(CURDIR)/pkg/enrich/bench-enrich.md $(GO) test -count=1 -run '^TestReport$$' ./enrich/

$(BUF):
	$(GO) install github.com/bufbuild/buf/cmd/buf@$(BUF_VERSION)

$(PROTOC_GEN_GO):
	$(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)

proto: $(BUF) $(PROTOC_GEN_GO) ## regenerate pkg/gen from proto/
	$(BUF) lint proto && $(BUF) generate --template proto/buf.gen.yaml proto

proto-check: $(BUF) $(PROTOC_GEN_GO) ## lint the schema and fail when the committed generated code is stale
	$(BUF) lint proto
	@tmp=$$(mktemp -d) && $(BUF) generate --template proto/buf.gen.yaml -o $$tmp proto && \
	if diff -r $$tmp/pkg/gen pkg/gen; then echo "proto-check: schema lint clean, generated code up to date"; rm -rf $$tmp; \
	else echo "proto-check: pkg/gen is stale: run 'make proto' and commit" >&2; rm -rf $$tmp; exit 1; fi

$(STATICCHECK):
	$(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

lint: $(STATICCHECK) ## gofmt, go vet and staticcheck
	@out=$$(gofmt -l pkg services); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(STATICCHECK) $(PKGS)

up: ## start the local Kafka broker and redis-server
	deploy/local/redis.sh start
	deploy/local/kafka.sh start

down: ## stop them
	-deploy/local/kafka.sh stop
	-deploy/local/redis.sh stop

clean:
	rm -rf $(BIN)
