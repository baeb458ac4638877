// The bench's counting Worker: the real Worker with its bindings wrapped by the round-trip counter
// (test/support/round-trips.ts), answering each request with what it cost in `Bench-Round-Trips`.
// Built into its own bundle and run in its own instance, so the timed instances carry no wrapper.
import type { Env } from '../src/env';
import worker from '../src/index';
import { countRoundTrips, format } from '../test/support/round-trips';

export { RateLimiter } from '../src/index';

export default {
  async fetch(request, env, ctx) {
    const counted = countRoundTrips(env);
    const res = await worker.fetch(request, counted.env, ctx);
    const out = new Response(res.body, res);
    out.headers.set('Bench-Round-Trips', format(counted.trips));
    return out;
  },
} satisfies ExportedHandler<Env>;
