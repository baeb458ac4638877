// One `wrangler dev` with its own migrated state for the admin CLI tests; the CLI writes that
// state (`--persist-to`) while the Worker serves it, as `npm run admin` does beside `npm start`.
import type { TestProject } from 'vitest/node';
import { startDevWorker } from '../support/dev-worker';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Worker's state directory: the CLI's `--persist-to`. */
    workerState: string;
  }
}

/** No shipped model has this version: a prediction works only once one is published. */
export const UNSHIPPED_MODEL_VERSION = '0.0.0';

export default async function setup(project: TestProject) {
  const worker = await startDevWorker({ vars: { PRICE_MODEL_VERSION: UNSHIPPED_MODEL_VERSION } });
  project.provide('workerUrl', worker.url);
  project.provide('workerState', worker.persistTo);
  return worker.stop;
}
