# Build: docker build -t rsystems-repair-backend .   (docker-compose.yml builds it for the api and worker services)

FROM node:20-bookworm-slim AS base
WORKDIR /app
# node:20 ships npm 10, which ignores package.json's allowScripts and would run every
# dependency's install script (including the ones the project denies).
RUN npm install -g npm@11.19.1 && npm cache clean --force

FROM base AS build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY migrations ./migrations
COPY src ./src
RUN npm run build

FROM base AS runtime
# HOST: the config default (127.0.0.1) would be unreachable through a published port.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# Code stays root-owned: the app writes only to DATA_DIR (/app/data: local photos), which
# docker-compose mounts as a volume; a fresh volume takes this directory's owner.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Only meaningful for the API; the worker service in docker-compose.yml disables it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/bin/api.js"]
