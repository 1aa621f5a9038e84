# syntax=docker/dockerfile:1
#
# One image recipe for every app of the monorepo:
#
#   docker build --build-arg APP=product-service -t discovery-lab/product-service .
#
# APP is one of: auth-service, product-service, inventory-service, order-service, gateway, dashboard, dev-registry.
# The build runs the same `npm run build` as `npm test`; the final image holds Node, the app's
# production dependencies and the compiled workspace code, and runs as the unprivileged `node` user.
#
# The config-seed job of docker-compose.yml is built from the same recipe, as its own target:
#
#   docker build --build-arg WORKSPACE=tools/config-cli --target config-seed -t discovery-lab/config-seed .

ARG NODE_IMAGE=node:24-bookworm-slim

# --- manifests: only package.json files and the lock file, so that the dependency layer below
# --- stays cached until one of them changes (a source edit does not reinstall anything).
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -type d -empty -delete

# --- build: every dependency (TypeScript included), then the whole workspace compiled.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=manifests /app ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- production dependencies of one workspace only (apps/APP, or WORKSPACE): no TypeScript, Jest,
# --- testcontainers, nor the development-only PGlite, since every workspace's devDependencies are
# --- dropped first (deploy/docker/production-manifests.js says why); then the compiled code of the
# --- libraries it uses and of the workspace itself.
FROM ${NODE_IMAGE} AS bundle
ARG APP
ARG WORKSPACE=apps/${APP}
WORKDIR /app
COPY --from=manifests /app ./
COPY deploy/docker/production-manifests.js /tmp/production-manifests.js
RUN --mount=type=cache,target=/root/.npm \
    test -f "${WORKSPACE}/package.json" || { echo "build argument APP is required, e.g. --build-arg APP=gateway" >&2; exit 1; }; \
    node /tmp/production-manifests.js \
 && npm ci --omit=dev --workspace "${WORKSPACE}" --no-audit --no-fund
COPY --from=build /app/libs /tmp/build/libs
COPY --from=build /app/${WORKSPACE}/dist ./${WORKSPACE}/dist
# Only the libraries npm installed (node_modules/@lab/<lib> links to libs/<lib>) get their code.
# Exec-form CMD does not expand variables, so the entry point gets a fixed name here.
RUN for dist in /tmp/build/libs/*/dist; do lib="${dist%/dist}"; lib="${lib##*/}"; \
      if [ -e "node_modules/@lab/${lib}" ]; then cp -R "$dist" "libs/${lib}/"; fi; done \
 && rm -rf /tmp/build /tmp/production-manifests.js \
 && find . -name '*.tsbuildinfo' -delete \
 && ln -s "${WORKSPACE}/dist/main.js" main.js

# --- config-seed: the one-shot job that writes config/ into the registry's KV store (see
# --- docker-compose.yml). Built with WORKSPACE=tools/config-cli: the config CLI and its production
# --- dependencies, not the whole build stage.
FROM ${NODE_IMAGE} AS config-seed
ENV NODE_ENV=production
WORKDIR /app
COPY --from=bundle /app ./
COPY --from=build /app/config ./config
USER node
ENTRYPOINT ["node", "main.js"]
CMD ["seed", "--wait", "60s"]

# --- runtime
FROM ${NODE_IMAGE} AS runtime
ARG APP
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    APP=${APP}
WORKDIR /app
COPY --from=bundle /app ./
# Default configuration files per service; Kubernetes mounts a ConfigMap over config/<service>.
COPY --from=build /app/config ./config
COPY deploy/docker/healthcheck.js ./deploy/docker/healthcheck.js

USER node
# The Docker health status mirrors the liveness probe (slim images have no curl: Node's fetch does it).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["node", "deploy/docker/healthcheck.js"]
# runService() handles SIGTERM: readiness fails, the instance deregisters, in-flight requests finish.
STOPSIGNAL SIGTERM
# Exec form: Node is PID 1 and receives the signals itself (no shell, no npm in front of it).
# main.js links to apps/${APP}/dist/main.js (see the bundle stage).
CMD ["node", "main.js"]
