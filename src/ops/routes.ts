// Operations: liveness. Never authenticated, never rate limited, served even when misconfigured.
import pkg from '../../package.json';
import { createRouter, dataOf, defineRoute, jsonContent, ok, z } from '../http/openapi';

const Health = z.object({ status: z.literal('ok'), version: z.string() }).openapi('Health');

export const opsRoutes = createRouter().openapi(
  defineRoute({
    method: 'get',
    path: '/health',
    operationId: 'getHealth',
    tags: ['Operations'],
    summary: 'Liveness',
    responses: { 200: jsonContent(dataOf(Health), 'The Worker is up') },
  }),
  (c) => ok(c, { status: 'ok' as const, version: pkg.version }),
);
