// The context every handler sees: bindings plus what the middleware chain puts on it.
import type { Config } from '../config';
import type { Env } from '../env';

export interface AppVariables {
  requestId: string;
  /** Absent only on /health when the config is broken. */
  config: Config;
  /** Known once a route authenticates; the request log line carries them. */
  shopId?: string;
  userId?: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: AppVariables;
}
