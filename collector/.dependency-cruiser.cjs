/**
 * The collector's layers, checked by dependency-cruiser (`npm run layers`, the first step of
 * `npm test`). Top to bottom; a layer may import the layers below it, never those above:
 *
 *   entry/wiring     server.ts, app.ts, cli/      builds everything; the only place that starts the simulator
 *   HTTP             routes/, plugins/            requests in, envelopes out; calls the domain
 *   domain           agents/ audit/ auth/ context/ governance/ connections/ connectors/ costs/ embeddings/ interactions/ logs/ quality/
 *                    organizations/ otlp/ poller/ security/,
 *                    metrics/history*.ts          what the collector does; calls the stores
 *   stores           stores/                      PostgreSQL/PGlite and ClickHouse/chdb; knows nothing above
 *   instrumentation  metrics/ (but history*)      instruments and sinks: the stores' batch writer counts
 *                                                 its rows with them, so they sit below the stores
 *   config           config/                      the environment, parsed and checked; depends on nothing
 *   foundation       logger.ts, errors.ts,        leaf modules every layer may use: pino set-up and URL
 *                    version.ts, runtime/         redaction, the API error type, the version, and the
 *                                                 runtime primitives (turns, the data-directory lock)
 *
 *   simulator        simulator/                   a separate program (the vendors' APIs, for demos and
 *                                                 tests): imports nothing of the collector, and only the
 *                                                 entry/wiring layer imports it
 *
 * @ai-arm/schemas (../schemas) is the contract every layer may use. The Grafana plugin
 * (../grafana-plugin/src) is cruised too: it takes only types from @ai-arm/schemas and nothing
 * from the collector.
 *
 * Where the odd ones went, and why:
 * - metrics/history.ts builds Prometheus series from the cost ledger (it reads costs/), and
 *   history-start.ts reads the poll watermarks, so both are domain; the rest of metrics/ is
 *   instrumentation, which the stores may use. (Their own folder would say so without a pattern.)
 * - errors.ts is the vocabulary of failures the domain raises and the HTTP layer turns into the
 *   envelope; it imports only @ai-arm/schemas, so it is foundation, not HTTP.
 * - runtime/ (Turns, the data-directory lock) is used by stores, poller and wiring alike and
 *   imports nothing: foundation.
 * - logger.ts and version.ts import nothing of the collector: foundation.
 *
 * Every rule counts type-only imports too (tsPreCompilationDeps), except where a rule says
 * otherwise: a type import still couples the layers, it only costs nothing at run time.
 */

const layer = {
  wiring: ['^src/(server|app)[.]ts$', '^src/cli/'],
  http: ['^src/(routes|plugins)/'],
  domain: ['^src/(agents|audit|auth|connections|connectors|costs|embeddings|governance|interactions|logs|organizations|otlp|poller|quality|security|context)/', '^src/metrics/history[^/]*[.]ts$'],
  stores: ['^src/stores/'],
  instrumentation: ['^src/metrics/'], // minus history*.ts, which are domain (see above)
  config: ['^src/config/'],
  foundation: ['^src/(logger|errors|version)[.]ts$', '^src/runtime/'],
  simulator: ['^src/simulator/'],
};
const METRICS_HISTORY = '^src/metrics/history[^/]*[.]ts$';
const everyLayer = Object.values(layer).flat();
const PLUGIN = '^[.][.]/grafana-plugin/';
const SCHEMAS = ['^[.][.]/schemas/', 'node_modules/@ai-arm/schemas/'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'every-module-has-a-layer',
      comment:
        'A module under src/ that no layer names escapes every rule below. Give a new folder its place in .dependency-cruiser.cjs (and in the README picture).',
      severity: 'error',
      from: {},
      to: { path: '^src/', pathNot: everyLayer },
    },
    {
      name: 'http-not-to-wiring',
      comment:
        'Routes and plugins are registered by app.ts; they must not import it (or server.ts, cli/): that is the layer above them, and importing it closes a cycle. The App type lives in plugins/http-app.ts for that reason.',
      severity: 'error',
      from: { path: layer.http },
      to: { path: layer.wiring },
    },
    {
      name: 'routes-not-to-stores',
      comment:
        'Routes call domain modules; the domain calls the stores. A route may name a store type (an executor it hands to the domain) but not run SQL or a store itself.',
      severity: 'error',
      from: { path: '^src/routes/' },
      to: { path: layer.stores, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'plugins-not-to-stores',
      comment:
        'The HTTP plugins reach no store either. Allowed: stores/tenant-scope.ts, because the auth plugin is where a request enters its organisation (asTenant) for every statement after it.',
      severity: 'error',
      from: { path: '^src/plugins/' },
      to: { path: layer.stores, pathNot: '^src/stores/tenant-scope[.]ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-not-to-http-or-wiring',
      comment:
        'Domain modules serve the HTTP layer, the poller and the CLI alike, so they must not depend on any of them. What they need of a request (headers, the principal) they take as a small request-shaped type (auth/headers.ts, audit/context.ts), not from plugins/.',
      severity: 'error',
      from: { path: layer.domain },
      to: { path: [...layer.http, ...layer.wiring] },
    },
    {
      name: 'domain-not-to-http-framework',
      comment:
        'Nor on the HTTP framework: a domain module that took a FastifyRequest could only be called from a route. It declares the few request fields it reads (auth/headers.ts, auth/csrf.ts, audit/context.ts); Fastify\'s request satisfies them.',
      severity: 'error',
      from: { path: layer.domain },
      to: { path: 'node_modules/(fastify|@fastify)/' },
    },
    {
      name: 'connections-not-to-poller',
      comment:
        'The poller polls the stored connections, so it depends on connections/; the reverse would tie the two together. Connectors come from the vendor registry (connectors/), which both may use.',
      severity: 'error',
      from: { path: '^src/connections/' },
      to: { path: '^src/poller/' },
    },
    {
      name: 'stores-not-up',
      comment:
        'The stores know nothing above them: no domain, HTTP or wiring module. They may use instrumentation (the batch writer counts rows), config (connection settings) and foundation.',
      severity: 'error',
      from: { path: layer.stores },
      to: { path: [...layer.domain, ...layer.http, ...layer.wiring] },
    },
    {
      name: 'instrumentation-only-down',
      comment:
        'Instruments and sinks sit below the stores, which use them: they may import only config and foundation (the version goes into the resource attributes).',
      severity: 'error',
      from: { path: layer.instrumentation, pathNot: METRICS_HISTORY },
      to: { path: '^src/', pathNot: [...layer.instrumentation, ...layer.config, ...layer.foundation] },
    },
    {
      name: 'metrics-instruments-not-to-history',
      comment: 'metrics/history*.ts are domain (they read the cost ledger and the watermarks); the instruments beside them must not import them.',
      severity: 'error',
      from: { path: layer.instrumentation, pathNot: METRICS_HISTORY },
      to: { path: METRICS_HISTORY },
    },
    {
      name: 'config-depends-on-nothing',
      comment:
        'The configuration is read before anything else exists and every layer reads it, so it imports nothing of the collector outside config/ (what it validates, such as the API key format or the vendor host rules, lives in config/ and the domain takes it from there). @ai-arm/schemas is fine.',
      severity: 'error',
      from: { path: layer.config },
      to: { path: '^src/', pathNot: layer.config },
    },
    {
      name: 'foundation-depends-on-nothing',
      comment: 'Logger, errors, version and the runtime primitives are the leaves every layer uses: they import nothing of the collector but each other.',
      severity: 'error',
      from: { path: layer.foundation },
      to: { path: '^src/', pathNot: layer.foundation },
    },
    {
      name: 'simulator-shares-nothing',
      comment:
        'The vendor simulator stands in for OpenAI and Anthropic: were it to share code with the collector, a bug in that code would agree with itself and no test would see it. It imports nothing of the collector.',
      severity: 'error',
      from: { path: layer.simulator },
      to: { path: '^src/', pathNot: layer.simulator },
    },
    {
      name: 'only-wiring-starts-the-simulator',
      comment:
        'Demo mode runs the simulator in-process: server.ts and cli/ start it and hand it over. Nothing else imports it (not even its types: declare what you need of it where you need it, as costs/demo-seed.ts does).',
      severity: 'error',
      from: { path: '^src/', pathNot: [...layer.wiring, ...layer.simulator] },
      to: { path: layer.simulator },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one: neither can be understood, tested or moved alone. Type-only cycles count too.',
      severity: 'error',
      from: { path: ['^src/', PLUGIN] },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import the cruiser cannot resolve is an edge no rule sees; it would hide a violation.',
      severity: 'error',
      from: { path: ['^src/', PLUGIN] },
      to: { couldNotResolve: true },
    },
    {
      name: 'plugin-schemas-type-only',
      comment:
        'The Grafana plugin is typed from @ai-arm/schemas but must not bundle it (TypeBox and the catalogue would ship to the browser): `import type` only.',
      severity: 'error',
      from: { path: PLUGIN },
      to: { path: SCHEMAS, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'plugin-not-to-collector',
      comment: 'The plugin talks to the collector over HTTP only; none of the collector\'s code (types included) reaches it except through @ai-arm/schemas.',
      severity: 'error',
      from: { path: PLUGIN },
      to: { path: ['^(src|bin|dist|test|bench)/', 'node_modules/@ai-arm/collector/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too (see the rules); without this they would vanish
    // from the graph, as they vanish from the JavaScript.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      // Resolve @ai-arm/schemas as tsc and tsx do (the `@ai-arm/source` export condition, to
      // schemas/src), so its modules appear as ../schemas/src/... in the graph.
      exportsFields: ['exports'],
      conditionNames: ['@ai-arm/source', 'types', 'import', 'require', 'node', 'default'],
      mainFields: ['types', 'typings', 'module', 'main'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
