# Forge — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
JAVA_HOME := $(shell scripts/java-home.sh)
export JAVA_HOME
MVN := mvn -B -q -Dstyle.color=never
PEERS := .cache/peers/.installed-lock

.PHONY: run test build peers bench conformance clean

run: build
	bin/forge serve --config config/forge.yaml

build: $(PEERS)
	@test -n "$(JAVA_HOME)" || { echo "no JDK >= 21"; exit 1; }
	$(MVN) -DskipTests package

test: $(PEERS)
	@test -n "$(JAVA_HOME)" || { echo "no JDK >= 21"; exit 1; }
	mvn -B -Dstyle.color=never verify

peers: $(PEERS)

$(PEERS): peers/package.json peers/package-lock.json
	scripts/install-peers.sh

bench: build
	bench/run.sh

conformance: $(PEERS)
	mvn -B -q -Dstyle.color=never test -Dtest=ConformanceSuiteTest -Dsurefire.failIfNoSpecifiedTests=false
	@grep -E '^(✓|✗)' target/conformance/summary.txt

clean:
	$(MVN) clean
