# CHAT — build, generate, test, run.
GO        ?= go
DATA      ?= ./data
FUZZTIME  ?= 60s
# How long go test may spend shrinking each input that finds new coverage.
# Its default, 60 s, lets one large seed (the 22 KB PKIX module, about 5 ms
# a parse here) take a whole FuzzParse run: 1,864 inputs in 60 s.
FUZZMINIMIZE ?= 5s
BENCHCOUNT ?= 6
PKGS      := ./...
# Packages run again under -race. The top-level server package (the broker
# assembly) is left out: mochi v2.7.9's Server.Close writes state that
# EstablishConnection reads without synchronisation, so any test that stops
# the broker while a connection is being set up reports mochi's race.
RACEPKGS  := ./server/admin ./server/auth ./server/ca ./server/chat ./server/client \
             ./server/listeners ./server/mqttstore ./server/store ./client/... ./codecs/... ./internal/erlpeer

.PHONY: all build generate test test-short run bench fuzz vet fmt clean

all: build

build:
	$(GO) build -o bin/ ./tools/...

## generate: regenerate generated/ from priv/proto (never edit generated/ by hand)
generate:
	$(GO) run ./tools/chatgen -spec priv/proto -out generated

## run: start chatd on its embedded default (./data: CA, certificates, Pebble store)
run:
	$(GO) build -o bin/chatd ./tools/chatd
	./bin/chatd --data $(DATA)

## test: vet, gofmt, every test, then the concurrent packages again under the race detector
test:
	$(GO) vet $(PKGS)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) test -count=1 -timeout 20m $(PKGS)
	$(GO) test -race -count=1 -timeout 20m $(RACEPKGS)

## bench: the benchmarks behind BENCHMARKS.md
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) ./generated/... ./codecs/... ./conformance/... ./internal/baseline/... | tee bench.txt
	$(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da bench.txt

## fuzz: run every fuzz target for FUZZTIME each (FUZZMINIMIZE per new input)
fuzz:
	@set -e; for p in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
	    echo "== $$p $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) $$p; \
	  done; \
	done

vet:
	$(GO) vet $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin bench.txt
