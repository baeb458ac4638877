// Layers point down (issue 12): the pure modules and the platform layers never reach up into the
// resources or the HTTP layer. `npm run deps:check` runs these rules; https://github.com/sverweij/dependency-cruiser
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment:
        'A cycle makes two modules one. The only one allowed is type-only: the RateLimiter Durable Object ' +
        'class (rate-limit/durable-object.ts) and the bindings that name it (env.ts), which TypeScript erases.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'pure-stays-pure',
      severity: 'error',
      comment: 'src/pricing and src/lib are pure: no resources, no HTTP, no auth.',
      from: { path: '^src/(pricing|lib)/' },
      to: { path: '^src/(shop|http|auth)/' },
    },
    {
      name: 'db-below-shop',
      severity: 'error',
      comment: 'The data layer serves the resources; it does not know them.',
      from: { path: '^src/db/' },
      to: { path: '^src/shop/' },
    },
    {
      name: 'auth-below-shop',
      severity: 'error',
      comment:
        'Accounts, sessions and the staff who hold them (auth/users) are the platform the resources stand on; ' +
        'a resource asks the guard who is calling, auth never asks a resource.',
      from: { path: '^src/auth/' },
      to: { path: '^src/shop/' },
    },
    {
      name: 'shop-sees-auth-through-the-guard',
      severity: 'error',
      comment:
        'A resource needs only who is calling (auth/caller) and the guard that makes sure (auth/guard); ' +
        'passwords, tokens, sessions and accounts stay inside auth (the staff routes live in auth/users).',
      from: { path: '^src/shop/' },
      to: { path: '^src/auth/', pathNot: '^src/auth/(caller|guard)\\.ts$' },
    },
    {
      name: 'ml-is-the-model-runtime',
      severity: 'error',
      comment: 'src/ml runs models; what a resource feeds them (rates, products) is the resource’s business.',
      from: { path: '^src/ml/' },
      to: { path: '^src/shop/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
