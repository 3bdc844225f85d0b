# Consult's everyday commands. `make test` is what CI runs.
GO ?= go
export PATH := /usr/local/go/bin:$(PATH)

# Root on CI machines; elsewhere apt-get needs sudo.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test test-go test-e2e e2e-deps lint bench build load

run:
	$(GO) run ./cmd/consult serve --demo

build:
	$(GO) build -o consult ./cmd/consult

test: lint test-go test-e2e

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test-go:
	$(GO) test -race -count=1 ./...

# The end-to-end suite drives Debian's Chromium (never a downloaded one)
# with playwright-core and axe-core from npm. It fails, never skips, when
# the browser cannot start.
test-e2e: e2e-deps
	cd e2e && npm test

e2e-deps:
	@if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-core fonts-noto-cjk >/dev/null 2>&1; then \
		echo "installing chromium and fonts for Arabic and Japanese"; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y chromium fonts-noto-core fonts-noto-cjk; \
	fi
	cd e2e && npm ci --no-audit --no-fund

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# load runs consult-load against a fresh server on LOAD_ADDR (rate limits
# off): 64 clients posting comments for 30 s, then 8 clients reading a
# page of 200 comments for 20 s. Figures: docs/PERFORMANCE.md.
LOAD_ADDR ?= 127.0.0.1:8090
load:
	@dir=$$(mktemp -d) && $(GO) build -o $$dir/consult ./cmd/consult && $(GO) build -o $$dir/consult-load ./cmd/consult-load && \
	$$dir/consult-load seed -data $$dir/data -slug load-200 -count 200 -replies 3 && \
	{ CONSULT_RATE_LIMITS=off $$dir/consult serve --data $$dir/data --addr $(LOAD_ADDR) > $$dir/server.log 2>&1 & echo $$! > $$dir/pid; } && sleep 1 && \
	$$dir/consult-load comments -addr http://$(LOAD_ADDR) -consultation load-200 -clients 64 -duration 30s -pid $$(cat $$dir/pid); \
	$$dir/consult-load pages -addr http://$(LOAD_ADDR) -slug load-200 -clients 8 -duration 20s -pid $$(cat $$dir/pid); \
	kill $$(cat $$dir/pid); sleep 1; grep -h '"group commit"' $$dir/server.log; rm -rf $$dir
