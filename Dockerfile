# Pave's container image: built in one stage, run from a slim one as a non-root user with a read-only root
# filesystem (the data folder, /data, and /tmp are the only writable places; mount volumes there).
#   docker build -t pave .        docker run -p 7007:7007 -v pave-data:/data pave
# See docs/operating.md.

FROM node:20-bookworm-slim AS build
WORKDIR /src
# better-sqlite3 builds from source where no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
# git for every git operation Pave performs; tini reaps git's children and passes SIGTERM on to node.
RUN apt-get update && apt-get install -y --no-install-recommends git tini ca-certificates && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /data && chown 10001:10001 /data
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/web/dist ./web/dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/demo ./demo
ENV NODE_ENV=production \
    HOME=/tmp \
    PAVE_HOST=0.0.0.0 \
    PAVE_PORT=7007 \
    PAVE_DATA_DIR=/data
USER 10001:10001
VOLUME ["/data"]
EXPOSE 7007 9464
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/pave.js"]
CMD ["serve"]
