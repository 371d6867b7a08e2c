import { createReadStream } from 'node:fs';
import path from 'node:path';
import type Router from '@koa/router';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

/** The two Swagger UI assets we serve, from the npm package (no CDN: works offline). */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>RS Systems API</title>
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script>window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', persistAuthorization: true });</script>
</body>
</html>`;

export function mountDocs(router: Router, openapi: () => unknown): void {
  router.get('/openapi.json', (ctx) => {
    ctx.state.routePath = '/openapi.json';
    ctx.body = openapi();
  });
  router.get('/docs', (ctx) => {
    ctx.state.routePath = '/docs';
    ctx.type = 'text/html; charset=utf-8';
    ctx.set(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    );
    ctx.body = PAGE;
  });
  router.get('/docs/assets/:file', (ctx) => {
    ctx.state.routePath = '/docs/assets/:file';
    const type = ASSETS[ctx.params.file ?? ''];
    if (!type) return; // falls through to the JSON 404
    ctx.type = type;
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = createReadStream(path.join(getAbsoluteFSPath(), ctx.params.file as string));
  });
}
