# Consult's everyday commands. `make test` is what CI runs.
GO ?= go
export PATH := /usr/local/go/bin:$(PATH)

# Root on CI machines; elsewhere apt-get needs sudo.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: run test test-go test-e2e e2e-deps lint bench build

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
