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

.PHONY: all build test test-unit test-integration proto proto-check lint up down clean help

all: build

help: ## list targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

build: ## build every binary into bin/
	@mkdir -p $(BIN)
	@for s in $(SERVICES); do $(GO) build -trimpath -o $(BIN)/$$s ./services/$$s || exit 1; done
	@echo "built: $(addprefix $(BIN)/,$(SERVICES))"

test: proto-check lint test-unit test-integration ## everything CI checks: schema, lint, unit, integration and end-to-end tests

test-unit: ## unit tests (no network services)
	$(GO) test -short -count=1 $(PKGS)

test-integration: build ## integration and end-to-end tests against a real Kafka broker and redis-server
	deploy/local/with-services.sh $(GO) test -count=1 -timeout 20m -run 'Integration|E2E' -v $(PKGS) \
		2>&1 | tee /tmp/newsflow-integration.log | grep -E '^(=== RUN|--- |PASS|FAIL|ok|panic|\s+\S+_test.go)' ; \
		exit $${PIPESTATUS[0]}

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
