# gitdiff's container image, for the Kubernetes CronJob in deploy/kubernetes
# (docs/cronjob.md):  docker build -t registry.example.com/gitdiff:0.1.0 .
# test/deploy/dockerfile.test.ts performs these steps without a container engine
# and runs the result: keep to the instructions it knows (it says when it meets another).
ARG NODE_IMAGE=node:20-bookworm-slim

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

# Runtime stage: Node, git, production dependencies and the built dist/.
FROM ${NODE_IMAGE}
# git: the CronJob's init container clones the manifests repository with it, and
# `gitdiff kube --rev` reads revisions with it. ca-certificates: for https remotes.
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/*
# A numeric non-root user: Kubernetes' runAsNonRoot can only verify a numeric one
# (the CronJob runs as the same uid, which has a passwd entry here for tools that look it up).
RUN groupadd --gid 10001 gitdiff && useradd --uid 10001 --gid 10001 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin gitdiff
WORKDIR /opt/gitdiff
COPY package.json package-lock.json ./
# Production dependencies only. --ignore-scripts: `prepare` runs the build, which needs
# the dev dependencies; the build stage did it, and its dist/ is copied below.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY --from=build /build/dist ./dist
ENV PATH=/opt/gitdiff/bin:$PATH
USER 10001:10001
ENTRYPOINT ["gitdiff"]
CMD ["--help"]
