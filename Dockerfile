# syntax=docker/dockerfile:1
# The bingo server as an image: docker build -t bingo-live-server .
# Run it with deploy/compose.yml (Redis + 3 nodes + nginx); see the README's "Deployment".

# --- build: the compiler, esbuild and every other dev dependency stay in this stage ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# tsc -> dist/, the Redis function library -> dist/server/store/redis/lua, the browser
# clients (esbuild) -> dist/web.
RUN npm run build

# --- runtime: production dependencies and the built server and pages only ------------
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/server dist/server
COPY --from=build /app/dist/shared dist/shared
# Served by the nodes themselves: the player app at /, the host console at /host.
COPY --from=build /app/dist/web dist/web
# The files stay root's: the server can read its code but not change it.
USER node
EXPOSE 3000
# /healthz answers while the process lives (/readyz would also fail while Redis is away,
# and a node should not be restarted for that). The slim image has no curl: ask with node.
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "require('http').get({host:'127.0.0.1',port:process.env.PORT,path:'/healthz'},r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"]
# node itself is PID 1: it handles SIGTERM (graceful shutdown) and starts no children.
CMD ["node", "dist/server/main.js"]
