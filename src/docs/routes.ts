// /openapi.json and an interactive reference (Swagger UI) whose every byte the Worker serves itself.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, Next } from 'hono';
import swaggerCss from 'swagger-ui-dist/swagger-ui.css';
import swaggerJs from 'swagger-ui-dist/swagger-ui-bundle.js';
import pkg from '../../package.json';
import { notFound } from '../http/errors';
import { ErrorSchema } from '../http/openapi';
import type { AppEnv } from '../http/types';

/** Only this page runs scripts, and only its own; Swagger UI sets inline styles on elements. */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tijori API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', deepLinking: true });`;

const docsEnabled = async (c: Context<AppEnv>, next: Next) => {
  if (!c.get('config').docsEnabled) throw notFound();
  await next();
};

const asset = (body: string, type: string) => (c: Context<AppEnv>) =>
  c.body(body, 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });

/** Mounted last on the app so the document describes every route. */
export function mountDocs(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  // Every response documents its own codes; this names them all, the closed registry's table.
  app.openAPIRegistry.register('Error', ErrorSchema);
  let document: unknown;
  app.get('/openapi.json', docsEnabled, (c) => {
    document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Tijori API',
        version: pkg.version,
        description: 'Edge API for jewellery shops: catalog, POS sales, khata ledger, metal rates, price model.',
      },
    });
    return c.json(document);
  });
  app.get('/docs', docsEnabled, (c) => c.html(PAGE, 200, { 'Content-Security-Policy': DOCS_CSP }));
  app.get('/docs/swagger-ui.css', docsEnabled, asset(swaggerCss, 'text/css; charset=utf-8'));
  app.get('/docs/swagger-ui-bundle.js', docsEnabled, asset(swaggerJs, 'text/javascript; charset=utf-8'));
  app.get('/docs/init.js', docsEnabled, asset(INIT, 'text/javascript; charset=utf-8'));
}
