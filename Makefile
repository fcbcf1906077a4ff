# wordwalls: `make run` plays on one machine, `make test` runs every test.

GO       ?= go
BIN      := bin/wordwalls
DATA_DIR ?= data
ADDR     ?= 127.0.0.1:8080

.PHONY: all build run test vet fmt-check fuzz loadtest clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/wordwalls

## run: the whole game in one process (embedded NATS, built-in back end, ENABLE)
run: build
	./$(BIN) run --data-dir $(DATA_DIR) --addr $(ADDR)

## test: formatting, vet, every Go test with the race detector, short fuzz runs
test: fmt-check vet
	$(GO) test -race -count=1 ./...
	$(MAKE) fuzz FUZZTIME=10s

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
	rm -rf bin
