# syntax=docker/dockerfile:1
#
# One image recipe for every app of the monorepo:
#
#   docker build --build-arg APP=product-service -t discovery-lab/product-service .
#
# APP is one of: auth-service, product-service, inventory-service, order-service, gateway, dev-registry.
# The build runs the same `npm run build` as `npm test`; the final image holds Node, the app's
# production dependencies and the compiled workspace code, and runs as the unprivileged `node` user.

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

# --- production dependencies of APP's workspace only (no TypeScript, Jest, testcontainers, ...),
# --- then the compiled libraries and the app laid over them.
FROM ${NODE_IMAGE} AS bundle
ARG APP
WORKDIR /app
COPY --from=manifests /app ./
RUN --mount=type=cache,target=/root/.npm \
    test -n "${APP}" || { echo "build argument APP is required, e.g. --build-arg APP=gateway" >&2; exit 1; }; \
    npm ci --omit=dev --workspace "apps/${APP}" --no-audit --no-fund
COPY --from=build /app/libs /tmp/build/libs
COPY --from=build /app/apps/${APP}/dist ./apps/${APP}/dist
# Exec-form CMD does not expand variables, so the app's entry point gets a fixed name here.
RUN for dist in /tmp/build/libs/*/dist; do lib="${dist%/dist}"; cp -R "$dist" "libs/${lib##*/}/"; done \
 && rm -rf /tmp/build \
 && find . -name '*.tsbuildinfo' -delete \
 && ln -s "apps/${APP}/dist/main.js" main.js

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
