/**
 * The direction of imports (`npm run lint`): domain ← db ← transports ← activities ← workflows (as
 * types), and the API and the ops console reach the system through use-cases. Each rule says what
 * breaks when it is broken. The one exception is written into no-circular: the Objection models.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const LAYERS_ABOVE_DOMAIN =
  '^src/(db|transports|activities|workflows|use-cases|api|ops|temporal|worker|embedded|bin|security|config|logger|runtime|main)(/|\\.ts$)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle makes load order decide what is undefined at start-up, and the modules in it can only change together. ' +
        'Only the Objection models may form one: their relationMappings are thunks, read after every model has loaded.',
      from: { path: '^src/' },
      to: { circular: true, via: { pathNot: '^src/db/models/' } },
    },
    {
      name: 'domain-stays-pure',
      severity: 'error',
      comment:
        'The domain is the rules alone: no I/O, no framework, no Node built-ins, so the workflow bundle and every layer ' +
        'can use it, and it is tested without services.',
      from: { path: '^src/domain/' },
      to: { path: LAYERS_ABOVE_DOMAIN },
    },
    {
      name: 'domain-no-node-builtins',
      severity: 'error',
      comment: 'Workflows import the domain, and the workflow sandbox has no Node built-ins (nor should a rule need one).',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'db-only-on-domain',
      severity: 'error',
      comment:
        'The database layer (setup, models, shared queries, seed) sits on the domain alone: anything above it may ' +
        'use it, and it never learns who calls it.',
      from: { path: '^src/db/' },
      to: { path: '^src/', pathNot: '^src/(db|domain)/' },
    },
    {
      name: 'transports-only-on-db',
      severity: 'error',
      comment:
        'SES/SNS/CloudWatch and the local outbox are adapters: the activities, the worker and the ops console use them, never the reverse.',
      from: { path: '^src/transports/' },
      to: { path: '^src/', pathNot: '^src/(transports|db|domain)/' },
    },
    {
      name: 'activities-not-above-themselves',
      severity: 'error',
      comment:
        'Activities are the I/O the workflows call: they know the domain, the database and the transports, and nothing ' +
        'that calls them. Shapes they share with workflows live in the domain, so not even types come from workflows.',
      from: { path: '^src/activities/' },
      to: { path: '^src/(workflows|use-cases|api|ops|temporal|worker|runtime|main|bin)(/|\\.ts$)' },
    },
    {
      name: 'workflows-import-activities-as-types',
      severity: 'error',
      comment:
        'Workflow code is bundled and replayed in a sandbox: a runtime import of an activity would pull database and AWS ' +
        'clients into the bundle and break determinism. The workflows know the activities only through their types.',
      from: { path: '^src/workflows/' },
      to: { path: '^src/activities/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-no-io',
      severity: 'error',
      comment: 'For the same reason, workflows touch no database, transport, API, ops or configuration module at all.',
      from: { path: '^src/workflows/' },
      to: { path: '^src/(db|transports|use-cases|api|ops|worker|embedded|bin|config|logger|runtime|main)(/|\\.ts$)' },
    },
    {
      name: 'entry-points-call-use-cases-not-activities',
      severity: 'error',
      comment:
        'The API and the ops console reach the system through use-cases (which throw domain errors each maps its own way); ' +
        'activities belong to the worker, and a step shared by both belongs in a use-case.',
      from: { path: '^src/(api|ops)/' },
      to: { path: '^src/activities/' },
    },
    {
      name: 'use-cases-below-entry-points',
      severity: 'error',
      comment: 'A use-case serves the API and the ops console alike, so it knows neither, and it never runs an activity itself.',
      from: { path: '^src/use-cases/' },
      to: { path: '^src/(api|ops|activities|worker|bin|runtime|main)(/|\\.ts$)' },
    },
    {
      name: 'ops-not-through-the-api',
      severity: 'error',
      comment: 'The ops console is a client of the use-cases, not of the HTTP layer: an API change must not break the console.',
      from: { path: '^src/ops/' },
      to: { path: '^src/api/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: a cycle or a wrong direction in types is one in the design too, and
    // the workflows' rule tells type-only imports from runtime ones.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
