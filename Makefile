# Consult's everyday commands. `make test` is what CI runs.
GO ?= go
export PATH := /usr/local/go/bin:$(PATH)

.PHONY: run test test-go lint bench build

run:
	$(GO) run ./cmd/consult serve --demo

build:
	$(GO) build -o consult ./cmd/consult

test: lint test-go

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test-go:
	$(GO) test -race -count=1 ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
