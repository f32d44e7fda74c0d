# syntax=docker/dockerfile:1
# scriptgate: the API (`serve`, the default) and job runners (`worker`) from one image.
# Build: docker build -t scriptgate:0.1.0 .

# ---- build: compile TypeScript with the dev toolchain, then drop dev dependencies ----
FROM node:24.22.3-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY workers ./workers
COPY demo ./demo
COPY config ./config
# Only src/, workers/ and demo/ are copied, so only they are compiled (tests and benchmarks stay out of the
# image); demo/ is the demo catalog, which `docker run` with no settings serves (SCRIPTGATE_SOURCES_DEMO=false);
# the build also bundles the playground page with its editor into dist/playground.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: production dependencies and compiled code, owned by root, run as an unprivileged user ----
FROM node:24.22.3-bookworm-slim AS runtime
ENV NODE_ENV=production \
    SCRIPTGATE_HOST=0.0.0.0 \
    SCRIPTGATE_PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/config ./config
# Nothing under /app is writable at run time: the root filesystem may be mounted read-only; only /tmp is written.
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.SCRIPTGATE_PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["serve"]
