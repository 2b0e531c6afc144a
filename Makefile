# The README's test command is `make test`.
.PHONY: test build fuzz bench docs

test:
	gofmt -l . | tee /dev/stderr | (! read -r _)
	go vet ./...
	go test ./...

build:
	go build -o conncap ./cmd/conncap

# Each reader's fuzz target, briefly; `make fuzz FUZZTIME=10m` for longer.
FUZZTIME ?= 20s
fuzz:
	go test -run='^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME) ./inputs/mycnf
	go test -run='^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME) ./inputs/systemd

bench:
	go test -run='^$$' -bench=. -benchmem ./...

docs:
	go run ./cmd/conncap rules --format markdown > docs/rules.md
