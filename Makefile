# wordwalls: `make run` plays on one machine, `make test` runs every test.

GO       ?= go
NPM      ?= npm
BIN      := bin/wordwalls
DATA_DIR ?= data
ADDR     ?= 127.0.0.1:8080
CHROMIUM ?= /usr/bin/chromium
WEB_DEPS := web/node_modules/.package-lock.json

.PHONY: all build web run test go-test web-test e2e vet fmt-check fuzz loadtest chromium clean

all: build

## build: the table page (Vite), then the binary that embeds it
build: web
	$(GO) build -o $(BIN) ./cmd/wordwalls

$(WEB_DEPS): web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund

## web: the table page, built into webui/dist/app for the binary to embed
web: $(WEB_DEPS)
	cd web && $(NPM) run build

## run: the whole game in one process (embedded NATS, built-in back end, ENABLE)
run: build
	./$(BIN) run --data-dir $(DATA_DIR) --addr $(ADDR)

## test: formatting, vet, every Go test with the race detector, short fuzz
## runs, the TypeScript checks and unit tests, then the browser tests
test: fmt-check vet web-test go-test e2e
	$(MAKE) fuzz FUZZTIME=10s

go-test: web
	$(GO) test -race -count=1 ./...

web-test: $(WEB_DEPS)
	cd web && $(NPM) run check

## e2e: two players in real headless Chromium against the real binary
e2e: build chromium
	cd web && CHROMIUM=$(CHROMIUM) WORDWALLS_BIN=$(CURDIR)/$(BIN) $(NPM) run test:e2e

## chromium: Debian's browser for the browser tests, installed when missing
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "installing Debian's chromium for the browser tests"; \
		sudo=; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium; \
	fi

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

FUZZTIME ?= 30s
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzDecodeCommand$$' -fuzztime=$(FUZZTIME) ./schemas
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) ./backend/lexicon

## loadtest: 5,000 players in 500 tables against a running `make run`
loadtest: build
	./$(BIN) loadtest --api http://$(ADDR) --secret-file $(DATA_DIR)/secret \
		--players 5000 --tables 500 --rate 4 --duration 60s

clean:
	rm -rf bin web/node_modules
	find webui/dist -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
