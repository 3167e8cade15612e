# gitdiff's container image, for the Kubernetes CronJob in deploy/kubernetes
# (docs/cronjob.md):  docker build -t registry.example.com/gitdiff:0.1.0 .
# test/deploy/dockerfile.test.ts performs these steps without a container engine
# and runs the result: keep to the instructions it knows (it says when it meets another).
# Node.js 24 (LTS): the image does not inherit the Node.js 20 that package.json's engines still allow.
ARG NODE_IMAGE=node:24-bookworm-slim

# Build stage: every dependency, then the TypeScript build into dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json ./
# Dependencies before sources, so this layer is cached while only sources change.
# --ignore-scripts: `prepare` would build before the sources are here.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime stage: Node, git, tini, production dependencies and the built dist/.
FROM ${NODE_IMAGE}
# git: the CronJob's init container clones the manifests repository with it, and
# `gitdiff kube --rev` reads revisions with it. ca-certificates: for https remotes.
# tini: PID 1 (see ENTRYPOINT).
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates tini && rm -rf /var/lib/apt/lists/*
# A numeric non-root user: Kubernetes' runAsNonRoot can only verify a numeric one
# (the CronJob runs as the same uid, which has a passwd entry here for tools that look it up).
RUN groupadd --gid 10001 gitdiff && useradd --uid 10001 --gid 10001 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin gitdiff
WORKDIR /opt/gitdiff
COPY package.json package-lock.json ./
# Production dependencies only. --ignore-scripts: `prepare` (scripts/prepare.mjs, not copied
# here) would only say it cannot build; the build stage did, and its dist/ is copied below.
# Then npm, npx and corepack leave the image: gitdiff never runs them, and a package manager
# in a production image is attack surface and CVE noise for nothing.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm cache clean --force \
  && rm -rf /root/.npm /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
COPY bin ./bin
COPY --from=build /build/dist ./dist
ENV PATH=/opt/gitdiff/bin:$PATH
USER 10001:10001
# tini as PID 1: it forwards SIGTERM to gitdiff (so a CronJob's deadline or a rollout ends a run
# cleanly) and reaps the processes gitdiff's children leave behind (git, terraform, kubectl,
# ansible-playbook): Node as PID 1 does neither. In the image, not `docker run --init`, which
# Kubernetes has no equivalent for.
ENTRYPOINT ["/usr/bin/tini", "--", "gitdiff"]
CMD ["--help"]
