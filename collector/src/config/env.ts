import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { API_KEY_PATTERN } from './api-key-format';
import { parseMasterKey } from './master-key';
import { parseVendorHosts, type HostRule } from './vendor-hosts';

/**
 * Every environment variable the collector reads, with its default, in one place.
 * README's configuration table mirrors this list (a test keeps them in step).
 */
export const ENV_VARS = {
  ARM_PORT: { default: '8080', doc: 'HTTP port of the API, /metrics and /api/health' },
  ARM_HOST: { default: '127.0.0.1', doc: 'Interface to listen on (0.0.0.0 in containers)' },
  ARM_DATA_DIR: { default: './data', doc: 'Where the embedded stores keep their files (chdb, PGlite)' },
  ARM_POSTGRES_URL: { default: '', doc: 'PostgreSQL URL for the control plane; unset = embedded PGlite' },
  ARM_CLICKHOUSE_URL: { default: '', doc: 'ClickHouse server URL (http://user:pass@host:8123) for telemetry; unset = embedded chdb' },
  ARM_CLICKHOUSE_DATABASE: { default: 'ai_arm', doc: 'ClickHouse database for telemetry tables' },
  ARM_LOG_LEVEL: { default: 'info', doc: 'fatal, error, warn, info, debug or trace' },
  ARM_WRITE_BATCH_SIZE: { default: '5000', doc: 'Rows buffered per ClickHouse table before a flush' },
  ARM_WRITE_FLUSH_MS: { default: '2000', doc: 'Longest time a buffered row waits before a flush' },
  ARM_WRITE_MAX_RETRIES: { default: '5', doc: 'Attempts for a batch after transient ClickHouse errors' },
  ARM_OTLP_GRPC_PORT: { default: '4317', doc: 'Port of the OTLP/gRPC receiver (trace and logs services), on ARM_HOST; 0 turns it off. OTLP/HTTP is always on the API port (`/v1/traces`, `/v1/logs`)' },
  ARM_INGEST_MAX_BODY_BYTES: { default: '8388608', doc: 'Largest telemetry request (OTLP body after decompression, or an ingest API batch) in bytes; over it, 413' },
  ARM_INGEST_SPOOL_MAX_MB: { default: '512', doc: 'Disk (under ARM_DATA_DIR/spool) that accepted interactions may fill while ClickHouse refuses writes; when full, the receivers answer 503 with retry-after' },
  ARM_INTERACTIONS_TTL_DAYS: { default: '90', doc: 'Days pushed interactions are kept in ClickHouse (applied at start)' },
  ARM_QUALITY_INTERVAL_MINUTES: { default: '15', doc: 'Minutes between quality monitor runs (drift, error-rate and grounding-failure alerts on every agent with recent interactions); 0 turns the monitor off (drift is still checked on demand)' },
  ARM_SHUTDOWN_TIMEOUT_MS: { default: '10000', doc: 'Grace period to finish requests and flush writes on SIGTERM' },
  OTEL_EXPORTER_OTLP_ENDPOINT: { default: '', doc: 'OTLP/HTTP endpoint (e.g. `http://alloy:4318`): the collector also sends its log records to `<endpoint>/v1/logs` and pushes its metrics to `<endpoint>/v1/metrics`' },
  OTEL_METRIC_EXPORT_INTERVAL: { default: '60000', doc: 'Milliseconds between OTLP metric pushes (when OTEL_EXPORTER_OTLP_ENDPOINT is set)' },
  OTEL_SERVICE_NAME: { default: 'ai-arm-collector', doc: '`service.name` of the collector\'s own log records and pushed metrics' },
  ARM_MASTER_KEY: { default: '', doc: 'Wraps the per-organisation keys that encrypt stored vendor credentials (32 bytes, hex or base64: `openssl rand -hex 32`); needed to poll connections stored through the API' },
  ARM_BOOTSTRAP_API_KEY: { default: '', doc: 'An admin API key (`arm_sk_live_` + 32-64 letters and digits) the collector accepts for its default organisation; unset, the first start creates one and prints it once' },
  ARM_BOOTSTRAP_GRAFANA_KEY: { default: '', doc: 'A key of the `grafana` role (reaches only what the Grafana app calls) the collector accepts for its default organisation: give the same key to the app\'s provisioning' },
  ARM_API_KEY: { default: '', doc: 'API key the `ai-arm` CLI sends to a running collector (backfill, audit verify); default: ARM_BOOTSTRAP_API_KEY' },
  ARM_RATE_LIMIT_PER_MINUTE: { default: '600', doc: 'API requests a minute per API key or signed-in user (bursts up to as many); over it, 429 with retry-after' },
  ARM_INGEST_RATE_LIMIT_PER_MINUTE: { default: '60000', doc: 'Telemetry requests a minute per API key (OTLP/HTTP, OTLP/gRPC and the ingest API together, bursts up to as many), apart from ARM_RATE_LIMIT_PER_MINUTE: an exporter sends a batch every few seconds per process; over it, 429 (gRPC RESOURCE_EXHAUSTED) with retry-after' },
  ARM_SESSION_HOURS: { default: '12', doc: 'How long a sign-in session (the httpOnly cookie) lasts' },
  ARM_LOGIN_ATTEMPTS_PER_MINUTE: { default: '10', doc: 'Sign-in attempts a minute for one account from one address (3 times as many from one address, and 10 times as many failures per 10 minutes for one account from all addresses, except from an address that signed in to it lately); over it, 429 with retry-after' },
  ARM_TRUST_PROXY: { default: '', doc: 'Behind a reverse proxy: `true`, the number of proxy hops, or the proxies\' addresses (comma-separated IPs or CIDRs), so the client address (sign-in limits, audit) comes from X-Forwarded-For and the origin from X-Forwarded-Proto/Host; unset = the peer address' },
  ARM_METRICS_TOKEN: { default: '', doc: 'When set, `GET /metrics` answers only requests that send `Authorization: Bearer <it>` (at least 16 characters; Prometheus: `authorization: {credentials_file: ...}`), since it carries every organisation\'s ids, agents and spend; unset = open to whoever reaches the port' },
  ARM_ALLOWED_ORIGINS: { default: '', doc: 'Other origins (comma-separated, e.g. `https://arm.example.com`) allowed to send state-changing requests with a session cookie; the collector\'s own origin always is' },
  ARM_AUDIT_HMAC_KEY: { default: '', doc: 'Keys the audit chain (HMAC-SHA256, at least 32 bytes as hex or base64: `openssl rand -hex 32`), so a chain recomputed without it fails verification; unset = the plain SHA-256 chain (logged at start)' },
  ARM_AUDIT_HEAD_EXPORT_DIR: { default: '', doc: 'Directory the signed audit chain heads are appended to (`audit-heads.jsonl`); unset = written to the log' },
  ARM_AUDIT_HEAD_EXPORT_INTERVAL_MS: { default: '3600000', doc: 'How often the audit chain heads are exported (0 = never)' },
  OPENAI_ADMIN_KEY: { default: '', doc: 'OpenAI admin key (sk-admin-...); with no vendor key set the collector runs in demo mode' },
  OPENAI_BASE_URL: { default: 'https://api.openai.com/v1', doc: 'OpenAI API base URL (a proxy, or `ai-arm simulate`)' },
  ANTHROPIC_ADMIN_KEY: { default: '', doc: 'Anthropic admin key (sk-ant-admin...)' },
  ANTHROPIC_BASE_URL: { default: 'https://api.anthropic.com', doc: 'Anthropic API base URL' },
  ARM_VENDOR_HOSTS: { default: 'api.openai.com,api.anthropic.com,localhost,127.0.0.1,::1', doc: 'Hosts a connection stored through the API may call (its `baseUrl`), comma-separated: `*.` permits any subdomain, `:port` one port only (`[::1]:8080` for IPv6); any other host, or a scheme other than http and https, is refused. The default: the vendors\' API hosts and loopback (the vendor simulator); leave loopback out in production' },
  ARM_DEMO_REQUESTS_PER_SECOND: { default: '3', doc: 'Demo mode only: GenAI requests a second the simulated agents push to the collector as OTLP spans (0 = none: the demo shows polled data only)' },
  ARM_POLL_INTERVAL_MS: { default: '300000', doc: 'How often usage and cost reports are polled per connection' },
  ARM_HEALTH_INTERVAL_MS: { default: '300000', doc: 'How often every agent is health-checked' },
  ARM_INVENTORY_INTERVAL_MS: { default: '600000', doc: 'How often agent inventories are synced' },
  ARM_POLL_TRAILING_HOURS: { default: '48', doc: 'Recent hours re-polled every cycle, so revised buckets replace earlier values' },
  ARM_POLL_BACKFILL_DAYS: { default: '7', doc: 'History fetched when a connection is first polled' },
  ARM_POLL_PAGE_ROWS: { default: '20000', doc: 'Rows a usage or cost page should hold: the poller asks for as many buckets per request as fit, judged from the last page (a single bucket can hold more)' },
  ARM_VENDOR_MAX_RETRIES: { default: '6', doc: 'Retries of a vendor call after 429, 5xx or a network error (the SDKs back off and honour retry-after)' },
  ARM_HEALTH_FAILURES_DOWN: { default: '3', doc: 'Consecutive failed checks that mark an agent DOWN' },
  ARM_HEALTH_DEGRADED_LATENCY_MS: { default: '2000', doc: 'Vendor latency (average over the last hour) above which an agent is DEGRADED' },
} as const;

export type EnvName = keyof typeof ENV_VARS;

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  postgresUrl: string | null;
  clickhouseUrl: string | null;
  clickhouseDatabase: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  write: { batchSize: number; flushMs: number; maxRetries: number };
  shutdownTimeoutMs: number;
  masterKey: Buffer | null;
  vendorKeys: { openai: string | null; anthropic: string | null };
  vendorBaseUrls: { openai: string; anthropic: string };
  /** ARM_VENDOR_HOSTS: where connections stored through the API may send requests. */
  vendorHosts: HostRule[];
  poll: { intervalMs: number; healthIntervalMs: number; inventoryIntervalMs: number; trailingHours: number; backfillDays: number; pageRows: number; vendorMaxRetries: number };
  health: { failuresForDown: number; degradedLatencyMs: number };
  otel: { endpoint: string | null; serviceName: string; metricIntervalMs: number };
  api: {
    bootstrapKey: string | null;
    grafanaKey: string | null;
    cliKey: string | null;
    rateLimitPerMinute: number;
    ingestRateLimitPerMinute: number;
    sessionHours: number;
    loginAttemptsPerMinute: number;
    /** Fastify's trustProxy: false, true, a hop count, or the proxies' addresses. */
    trustProxy: boolean | number | string;
    /** Origins besides the collector's own that may send cookie-authenticated changes. */
    allowedOrigins: string[];
    /** The bearer token /metrics asks for; null: /metrics is open. */
    metricsToken: string | null;
  };
  audit: { hmacKey: Buffer | null; headExportDir: string | null; headExportIntervalMs: number };
  /** The push path: OTLP receivers and the ingest API. */
  ingest: { grpcPort: number; maxBodyBytes: number; spoolMaxBytes: number; ttlDays: number };
  /** The quality monitor's period in ms (0: off). */
  qualityIntervalMs: number;
  /** No vendor credentials: the collector serves demo data from the vendor simulator. */
  demoMode: boolean;
  /** Demo mode: requests a second the simulated agents push (0: none). */
  demoRequestsPerSecond: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
  }
}

function masterKey(value: string, problems: string[]): Buffer | null {
  if (value === '') return null;
  try {
    return parseMasterKey(value);
  } catch (err) {
    problems.push((err as Error).message); // never echo the value
    return null;
  }
}

function auditKey(value: string, problems: string[]): Buffer | null {
  if (value === '') return null;
  const key = /^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0 ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (key.length < 32) {
    problems.push('ARM_AUDIT_HMAC_KEY must be at least 32 bytes, as hex or base64 (openssl rand -hex 32)'); // never echo the value
    return null;
  }
  return key;
}

function trustProxy(value: string, problems: string[]): boolean | number | string {
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d{1,2}$/.test(value)) return Number(value);
  const parts = value.split(',').map((p) => p.trim());
  for (const p of parts) {
    const [ip, bits, ...rest] = p.split('/');
    const family = isIP(ip ?? '');
    if (!family || rest.length > 0 || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)))) {
      problems.push(`ARM_TRUST_PROXY must be true, a hop count, or comma-separated IPs or CIDRs (got "${p}")`);
      return false;
    }
  }
  return parts.join(',');
}

function metricsToken(v: string, problems: string[]): string | null {
  if (v === '') return null;
  if (v.length < 16 || /\s/.test(v)) problems.push('ARM_METRICS_TOKEN must be at least 16 characters without spaces (e.g. `openssl rand -hex 24`)');
  return v;
}

function origins(value: string, problems: string[]): string[] {
  if (value === '') return [];
  return value.split(',').map((o) => {
    const v = o.trim();
    try {
      const u = new URL(v);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && u.origin === v.replace(/\/$/, '')) return u.origin;
    } catch {
      // reported below
    }
    problems.push(`ARM_ALLOWED_ORIGINS must list origins such as https://arm.example.com (got "${v}")`);
    return v;
  });
}

function vendorHosts(value: string, problems: string[]): HostRule[] {
  const { rules, problems: bad } = parseVendorHosts(value);
  problems.push(...bad);
  if (rules.length === 0 && bad.length === 0) problems.push('ARM_VENDOR_HOSTS must name at least one host');
  return rules;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;

/**
 * Reads the environment; relative paths resolve against where `npm` was invoked (INIT_CWD),
 * so `npm start` at the root keeps data in ./data there. Collects every bad variable before failing, so one run shows them all. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = env.INIT_CWD ?? process.cwd()): Config {
  const problems: string[] = [];
  const raw = (name: EnvName): string => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? ENV_VARS[name].default : v.trim();
  };
  const int = (name: EnvName, min: number, max: number): number => {
    const v = raw(name);
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${v}")`);
      return Number(ENV_VARS[name].default);
    }
    return n;
  };
  const url = (name: EnvName, protocols: string[]): string | null => {
    const v = raw(name);
    if (v === '') return null;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) problems.push(`${name} must use ${protocols.join(' or ')} (got "${u.protocol}")`);
    } catch {
      problems.push(`${name} is not a URL`); // the value may hold a password: never echo it
    }
    return v;
  };

  const logLevel = raw('ARM_LOG_LEVEL') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`ARM_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  const database = raw('ARM_CLICKHOUSE_DATABASE');
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) problems.push(`ARM_CLICKHOUSE_DATABASE must be a plain identifier (got "${database}")`);

  const config: Config = {
    port: int('ARM_PORT', 0, 65535),
    host: raw('ARM_HOST'),
    dataDir: isAbsolute(raw('ARM_DATA_DIR')) ? raw('ARM_DATA_DIR') : resolve(cwd, raw('ARM_DATA_DIR')),
    postgresUrl: url('ARM_POSTGRES_URL', ['postgres:', 'postgresql:']),
    clickhouseUrl: url('ARM_CLICKHOUSE_URL', ['http:', 'https:']),
    clickhouseDatabase: database,
    logLevel,
    write: {
      batchSize: int('ARM_WRITE_BATCH_SIZE', 1, 1_000_000),
      flushMs: int('ARM_WRITE_FLUSH_MS', 10, 600_000),
      maxRetries: int('ARM_WRITE_MAX_RETRIES', 0, 100),
    },
    shutdownTimeoutMs: int('ARM_SHUTDOWN_TIMEOUT_MS', 100, 600_000),
    masterKey: masterKey(raw('ARM_MASTER_KEY'), problems),
    vendorKeys: { openai: raw('OPENAI_ADMIN_KEY') || null, anthropic: raw('ANTHROPIC_ADMIN_KEY') || null },
    vendorBaseUrls: { openai: url('OPENAI_BASE_URL', ['http:', 'https:'])!, anthropic: url('ANTHROPIC_BASE_URL', ['http:', 'https:'])! },
    vendorHosts: vendorHosts(raw('ARM_VENDOR_HOSTS'), problems),
    poll: {
      intervalMs: int('ARM_POLL_INTERVAL_MS', 1000, 86_400_000),
      healthIntervalMs: int('ARM_HEALTH_INTERVAL_MS', 1000, 86_400_000),
      inventoryIntervalMs: int('ARM_INVENTORY_INTERVAL_MS', 1000, 86_400_000),
      trailingHours: int('ARM_POLL_TRAILING_HOURS', 1, 24 * 31),
      backfillDays: int('ARM_POLL_BACKFILL_DAYS', 0, 3660),
      pageRows: int('ARM_POLL_PAGE_ROWS', 100, 1_000_000),
      vendorMaxRetries: int('ARM_VENDOR_MAX_RETRIES', 0, 20),
    },
    health: { failuresForDown: int('ARM_HEALTH_FAILURES_DOWN', 1, 100), degradedLatencyMs: int('ARM_HEALTH_DEGRADED_LATENCY_MS', 1, 600_000) },
    otel: { endpoint: url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http:', 'https:']), serviceName: raw('OTEL_SERVICE_NAME') || 'ai-arm-collector', metricIntervalMs: int('OTEL_METRIC_EXPORT_INTERVAL', 1000, 3_600_000) },
    api: {
      bootstrapKey: raw('ARM_BOOTSTRAP_API_KEY') || null,
      grafanaKey: raw('ARM_BOOTSTRAP_GRAFANA_KEY') || null,
      cliKey: raw('ARM_API_KEY') || raw('ARM_BOOTSTRAP_API_KEY') || null,
      rateLimitPerMinute: int('ARM_RATE_LIMIT_PER_MINUTE', 1, 1_000_000),
      ingestRateLimitPerMinute: int('ARM_INGEST_RATE_LIMIT_PER_MINUTE', 1, 100_000_000),
      sessionHours: int('ARM_SESSION_HOURS', 1, 24 * 90),
      loginAttemptsPerMinute: int('ARM_LOGIN_ATTEMPTS_PER_MINUTE', 1, 10_000),
      trustProxy: trustProxy(raw('ARM_TRUST_PROXY'), problems),
      allowedOrigins: origins(raw('ARM_ALLOWED_ORIGINS'), problems),
      metricsToken: metricsToken(raw('ARM_METRICS_TOKEN'), problems),
    },
    audit: {
      hmacKey: auditKey(raw('ARM_AUDIT_HMAC_KEY'), problems),
      headExportDir: raw('ARM_AUDIT_HEAD_EXPORT_DIR') === '' ? null : isAbsolute(raw('ARM_AUDIT_HEAD_EXPORT_DIR')) ? raw('ARM_AUDIT_HEAD_EXPORT_DIR') : resolve(cwd, raw('ARM_AUDIT_HEAD_EXPORT_DIR')),
      headExportIntervalMs: int('ARM_AUDIT_HEAD_EXPORT_INTERVAL_MS', 0, 86_400_000 * 7),
    },
    ingest: {
      grpcPort: int('ARM_OTLP_GRPC_PORT', 0, 65535),
      maxBodyBytes: int('ARM_INGEST_MAX_BODY_BYTES', 1024, 1024 * 1024 * 1024),
      spoolMaxBytes: int('ARM_INGEST_SPOOL_MAX_MB', 1, 1024 * 1024) * 1024 * 1024,
      ttlDays: int('ARM_INTERACTIONS_TTL_DAYS', 1, 3650),
    },
    qualityIntervalMs: int('ARM_QUALITY_INTERVAL_MINUTES', 0, 1440) * 60_000,
    demoMode: false,
    demoRequestsPerSecond: Number(raw('ARM_DEMO_REQUESTS_PER_SECOND')),
  };
  if (config.api.bootstrapKey && !API_KEY_PATTERN.test(config.api.bootstrapKey)) problems.push('ARM_BOOTSTRAP_API_KEY must be arm_sk_live_ followed by 32 to 64 letters and digits');
  if (config.api.grafanaKey && !API_KEY_PATTERN.test(config.api.grafanaKey)) problems.push('ARM_BOOTSTRAP_GRAFANA_KEY must be arm_sk_live_ followed by 32 to 64 letters and digits');
  if (config.api.grafanaKey && config.api.grafanaKey === config.api.bootstrapKey) problems.push('ARM_BOOTSTRAP_GRAFANA_KEY must differ from ARM_BOOTSTRAP_API_KEY: one key has one role');
  if (!/^\d+(\.\d+)?$/.test(raw('ARM_DEMO_REQUESTS_PER_SECOND')) || config.demoRequestsPerSecond > 1000) problems.push(`ARM_DEMO_REQUESTS_PER_SECOND must be a number from 0 to 1000 (got "${raw('ARM_DEMO_REQUESTS_PER_SECOND')}")`);
  config.demoMode = !config.vendorKeys.openai && !config.vendorKeys.anthropic;
  if (!config.demoMode && !config.masterKey && raw('ARM_MASTER_KEY') === '') {
    problems.push('ARM_MASTER_KEY is required outside demo mode: it encrypts the vendor credentials stored through the API (generate one with `openssl rand -hex 32` and keep it safe)');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
