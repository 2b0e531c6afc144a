# The README's test command is `make test`.
.PHONY: test build fuzz bench docs

# staticcheck, pinned, fetched through the Go module proxy on first use.
STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2

test:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "not gofmt-ed:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go run $(STATICCHECK) ./...
	go test ./...

build:
	go build -o conncap ./cmd/conncap

# Each reader's fuzz target, briefly; `make fuzz FUZZTIME=10m` for longer.
FUZZTIME ?= 20s
READERS = ./inputs/mycnf ./inputs/systemd ./inputs/kube ./inputs/compose ./inputs/config \
	./inputs/apps/spring ./inputs/apps/rails ./inputs/apps/python ./inputs/apps/node \
	./inputs/apps/phpfpm ./inputs/apps/dotnet ./inputs/apps/gosql ./inputs/grants \
	./inputs/libconfig ./inputs/proxysql ./inputs/haproxy
fuzz:
	for p in $(READERS); do go test -run='^$$' -fuzz=FuzzParse -fuzztime=$(FUZZTIME) $$p || exit 1; done
	go test -run='^$$' -fuzz=FuzzParseURL -fuzztime=$(FUZZTIME) ./inputs/apps/dburl

bench:
	go test -run='^$$' -bench=. -benchmem ./...

docs:
	go run ./cmd/conncap rules --format markdown > docs/rules.md
