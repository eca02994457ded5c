# One image for every role: `forge serve` runs all of them, `--role gateway|service-manager|tool-router` one.
# It carries the runtimes local MCP servers need (Node 22 for npx, Python 3 with uv for uvx), because the service
# manager runs them as its own child processes instead of asking a Docker socket for containers.

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline || true
COPY src src
RUN mvn -B -q -DskipTests package \
 && mkdir -p /native \
 && cd /native \
 && jar xf /src/target/lib/sqlite-jdbc-*.jar "org/sqlite/native/Linux/$(uname -m | sed 's/arm64/aarch64/')/libsqlitejdbc.so" \
 && mv org/sqlite/native/Linux/*/libsqlitejdbc.so . && rm -rf org \
 && jar xf /src/target/lib/onnxruntime-*.jar "ai/onnxruntime/native/linux-$(uname -m | sed 's/x86_64/x64/;s/arm64/aarch64/')/" \
 && mv ai/onnxruntime/native/linux-*/*.so . && rm -rf ai

FROM node:22-bookworm-slim AS node

# Java 25 at run time (the code is compiled for 21): the Foreign Function & Memory API, final since 22, is how
# `forge serve` makes itself non-dumpable, so that the servers it starts cannot read its memory or environment.
FROM eclipse-temurin:25-jre-noble
RUN apt-get update \
 && apt-get install -y --no-install-recommends bash curl tini python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /uvx /usr/local/bin/

RUN groupadd --gid 1000 forge && useradd --uid 1000 --gid forge --home-dir /data --no-create-home forge \
 && mkdir -p /data /config && chown forge:forge /data
WORKDIR /app
COPY --from=build /src/target/forge.jar target/forge.jar
COPY --from=build /src/target/lib target/lib
COPY --from=build /native native
COPY bin bin
COPY scripts/java-home.sh scripts/java-home.sh
COPY scripts/cds-archive.sh scripts/cds-archive.sh
COPY docker/entrypoint.sh docker/entrypoint.sh
COPY config /config

# The root filesystem may be read-only with a noexec /tmp (as in the deployment guide): SQLite's and ONNX Runtime's
# native libraries are loaded from the image instead of being unpacked into /tmp; the tokenizer's library (the tool
# router's embedding model) and the npm/uv caches live on the data volume.
# SSL_DIR: where SSL_ENABLED=true finds server.crt and server.key (the compose file mounts ./ssl there).
ENV DATA_PATH=/data \
    CONFIG_PATH=/config \
    SSL_DIR=/ssl \
    HOME=/data \
    npm_config_cache=/data/.npm \
    UV_CACHE_DIR=/data/.uv \
    DJL_CACHE_DIR=/data/.djl \
    FORGE_JAVA_OPTS="-XX:MaxRAMPercentage=60 -Dorg.sqlite.lib.path=/app/native -Dorg.sqlite.lib.name=libsqlitejdbc.so -Donnxruntime.native.path=/app/native"
# The class-data sharing archive bin/forge starts with, made by this image's own JVM in a short training run
# (scripts/cds-archive.sh; without it Forge starts as before, only slower).
RUN scripts/cds-archive.sh
USER forge
VOLUME ["/data"]
EXPOSE 4444 9000 8001
# A health check starts with the container's whole environment, secrets included, and runs as Forge's user: it
# sheds it at once (env -i) instead of holding it for as long as curl waits. Each role's port is asked over https
# first (SSL_ENABLED=true; -k: the certificate names the public host, not 127.0.0.1, and the probe sends nothing),
# then over plain http.
HEALTHCHECK --interval=30s --timeout=10s --start-period=40s --retries=3 \
  CMD exec /usr/bin/env -i PORT="${GATEWAY_PORT:-4444}" /bin/sh -c 'for p in "$PORT" 9000 8001; do for s in https http; do curl -fsSk --max-time 3 "$s://127.0.0.1:$p/health" 2>/dev/null && exit 0; done; done; exit 1'
# The entrypoint is the first process only until it has moved the secrets onto a pipe for Forge; then it execs
# tini, which stays the first process without them (docker/entrypoint.sh).
ENTRYPOINT ["/app/docker/entrypoint.sh"]
