# Forge — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
JAVA_HOME := $(shell scripts/java-home.sh)
export JAVA_HOME
MVN := mvn -B -q -Dstyle.color=never
PEERS := .cache/peers/.installed-lock

.PHONY: run test build docs deps peers bench bench-alloc bench-memory bench-replicas bench-translate bench-router router-eval conformance clean generate-secrets console-screenshots

# First start: writes .env (JWT_SECRET, FORGE_ENCRYPTION_KEY, …; mode 600, existing values kept), so the demo
# gateway requires tokens like a real one; it prints how to get one.
run: build
	@scripts/generate-secrets.sh .env --quiet
	@echo "forge: authentication is on. Get an admin token in another terminal with:"
	@echo "         bin/forge token create --env-file .env --name me --role admin"
	bin/forge serve --config config/forge.yaml --env-file .env

# Strong secrets for a deployment, in .env.production (mode 600); FORCE=1 replaces existing ones.
generate-secrets:
	@scripts/generate-secrets.sh .env.production $(if $(FORCE),--force)

# the jars, then the class-data sharing archive bin/forge starts with (a short training run; see scripts/cds-archive.sh)
build: $(PEERS)
	@test -n "$(JAVA_HOME)" || { echo "no JDK >= 21"; exit 1; }
	$(MVN) -DskipTests package
	@scripts/cds-archive.sh

# docs/TROUBLESHOOTING.md from the error catalogue (src/main/java/dev/forge/observe); ErrorCatalogTest fails until
# the file matches what this writes. Compiles only: no peers, no network.
docs:
	@test -n "$(JAVA_HOME)" || { echo "no JDK >= 21"; exit 1; }
	$(MVN) -o compile || $(MVN) compile
	"$(JAVA_HOME)/bin/java" -cp target/classes dev.forge.observe.TroubleshootingDoc docs/TROUBLESHOOTING.md

test: $(PEERS)
	@test -n "$(JAVA_HOME)" || { echo "no JDK >= 21"; exit 1; }
	@scripts/require-nginx.sh
	@scripts/require-prometheus.sh
	@scripts/require-chromium.sh
	mvn -B -Dstyle.color=never verify

# newer releases of every dependency and plugin in pom.xml and of the <properties> that hold their versions
# (pre-releases left out; the rule is in pom.xml's versions-maven-plugin); changes nothing
deps:
	@test -n "$(JAVA_HOME)" || { echo "no JDK >= 21"; exit 1; }
	@set -o pipefail; mvn -B -ntp -Dstyle.color=never versions:display-dependency-updates \
	  versions:display-plugin-updates versions:display-property-updates \
	  | awk '/^\[(ERROR|WARNING)\]/ {print; next} /--- versions-maven-plugin/ {on=1} /^\[INFO\] -{20,}$$/ {on=0} on' \
	  | sed 's/^\[INFO\] \{0,1\}//'

peers: $(PEERS)

$(PEERS): peers/package.json peers/package-lock.json
	scripts/install-peers.sh

# the console's pages as its browser tests see them, into docs/console (the screenshots the README links to)
console-screenshots: $(PEERS)
	@test -n "$(JAVA_HOME)" || { echo "no JDK >= 21"; exit 1; }
	@scripts/require-chromium.sh
	mvn -B -Dstyle.color=never test -Dtest='Console*JourneyTest' -Dsurefire.failIfNoSpecifiedTests=false \
	  -Dforge.console.screenshots=$(CURDIR)/docs/console

# every MCP path side by side (rps, p50, ratios; fails on any bad answer), then allocation per tools/call.
# Needs wrk and nginx (apt-get install wrk nginx-light); see docs/PERFORMANCE.md.
# (one after the other: they share the machine's cores)
bench: build
	bench/run.sh
	bench/alloc.sh

# bytes allocated per tools/call (stdio echo and the REST tool on nginx) from a JFR recording, with the top frames
bench-alloc: build
	bench/alloc.sh

# every role in one process with the demo config: idle RSS, start -> ready, RSS after 10,000 idle MCP sessions, each
# next to its target (median of 3 runs; fails if one is missed). Loopback only; see docs/PERFORMANCE.md.
bench-memory: build
	bench/memory.sh

# one, two and three gateway replicas behind the production balancer, and the cross-replica path (needs Redis)
bench-replicas: build
	bench/replicas.sh

# forge translate side by side with supergateway and mcp-proxy (installed from npm at pinned versions on first use)
bench-translate: build
	bench/translate.sh

# the tool router over 10,000 tools: index rebuild time and query latency percentiles
bench-router:
	mvn -B -q -Dstyle.color=never test -Dtest=ToolRouterBenchmarkTest -Dforge.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false

# the tool router's recall@1, recall@5 and MRR: each ranking (words, meaning, both) on the project's own set in
# src/test/resources/router and on the held-out public set (HELD_OUT, the BFCL tool-retrieval file), side by side
HELD_OUT ?= ../shared/eval/bfcl-tool-retrieval.json
router-eval:
	mvn -B -q -Dstyle.color=never test -Dtest='ToolRouterEvaluationTest,RouterComparisonTest' -Dforge.excludedGroups=none \
		-Dforge.heldOut=$(abspath $(HELD_OUT)) -Dsurefire.failIfNoSpecifiedTests=false

conformance: $(PEERS)
	mvn -B -q -Dstyle.color=never test -Dtest=ConformanceSuiteTest -Dsurefire.failIfNoSpecifiedTests=false
	@grep -E '^(✓|✗)' target/conformance/summary.txt

clean:
	$(MVN) clean
