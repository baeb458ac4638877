/** fast-check settings for the pricing properties: fixed seed, so a failure's printed seed and path replay it. */
export const RUNS = { numRuns: 400, seed: 20261130 } as const;
