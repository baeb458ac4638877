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
      comment:
        'The data layer serves the resources, auth and the models; it knows none of them (its one look up ' +
        'is the type of the request context, for the per-request D1 session).',
      from: { path: '^src/db/' },
      to: { path: '^src/(shop|auth|ml|rate-limit|audit)/' },
    },
    {
      name: 'http-below-features',
      severity: 'error',
      comment:
        'The HTTP layer (routing declarations, fields, errors, idempotency, the caller) is what auth, the ' +
        'limiter, the models and the resources are built on; it names none of them.',
      from: { path: '^src/http/' },
      to: { path: '^src/(shop|auth|ml|rate-limit|audit)/' },
    },
    {
      name: 'limiter-and-audit-below-auth',
      severity: 'error',
      comment:
        'The guard is built on the limiter and writes the audit log; neither knows auth, the models or the ' +
        'resources (the caller they key or record on is http/caller).',
      from: { path: '^src/(rate-limit|audit)/' },
      to: { path: '^src/(auth|shop|ml)/' },
    },
    {
      name: 'auth-below-resources',
      severity: 'error',
      comment:
        'Accounts, sessions, tokens, roles and the staff who hold them (auth/users) are the platform the ' +
        'resources and the model routes stand on; a resource asks the guard who is calling, auth never asks a resource.',
      from: { path: '^src/auth/' },
      to: { path: '^src/(shop|ml)/' },
    },
    {
      name: 'shop-sees-auth-through-the-guard',
      severity: 'error',
      comment:
        'A resource needs only the guard (auth/guard) and the role ladder for a rule of its own (auth/roles); ' +
        'passwords, tokens, sessions and accounts stay inside auth (the staff routes live in auth/users).',
      from: { path: '^src/shop/' },
      to: { path: '^src/auth/', pathNot: '^src/auth/(guard|roles)\\.ts$' },
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
