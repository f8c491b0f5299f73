# DataDog Platform: one image for `datadog server` (the default command) and `datadog worker`.
# See docs/deployment.md. Written without a Docker engine at hand: build and try it before relying on it.

# ---- build: dependencies (native modules compile here) and the web UI ----------------------
FROM node:20-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
# Only what runs: copying named folders keeps a host's node_modules and .datadog out of the image.
COPY tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY ui ./ui
COPY examples ./examples
# The server serves ui/dist; building it here means the image never needs Vite at run time.
RUN npm run build:ui \
 && npm prune --omit=dev \
 && npm cache clean --force

# ---- run ---------------------------------------------------------------------------------------
FROM node:20-bookworm-slim
# tini as PID 1: forwards SIGTERM to Node (graceful shutdown) and reaps shell tasks' children.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATADOG_HOME=/var/lib/datadog
WORKDIR /app
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /var/lib/datadog /data && chown node:node /var/lib/datadog /data
USER node
EXPOSE 8000
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "bin/datadog.js", "server"]
