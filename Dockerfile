# Helsebro FHIR R4 server on the embedded SQLite store. Mirrors .ci/run: npm ci, build, start.
# Not built in CI (no Docker engine on the CI machines); keep it minimal.
FROM node:24-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# better-sqlite3 builds against the image's own Node headers (no header download at build time).
ENV npm_config_nodedir=/usr/local
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production HELSEBRO_PORT=8080 HELSEBRO_DB=/data/helsebro.db
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s CMD node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "bin/helsebro.mjs", "serve"]
