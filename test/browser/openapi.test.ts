// /openapi.json, as the running Worker serves it, is a valid OpenAPI 3.1 document. (On Node: the
// validator reads its meta-schemas from disk, which workerd cannot; see test/worker/http/openapi.)
import { Validator } from '@seriousme/openapi-schema-validator';
import { expect, inject, it } from 'vitest';

it('/openapi.json validates against the OpenAPI 3.1 schema', async () => {
  const res = await fetch(`${inject('workerUrl')}/openapi.json`);
  expect(res.status).toBe(200);
  const doc = (await res.json()) as Record<string, unknown>;
  expect(doc.openapi).toBe('3.1.0');
  const validator = new Validator();
  const result = await validator.validate(doc);
  expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
  expect(result.valid).toBe(true);
});
