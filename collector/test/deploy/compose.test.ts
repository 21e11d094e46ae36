import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENV_VARS } from '../../src/config/env';
import { parseDockerfile, parseHealthcheck } from '../support/dockerfile';

const REPO = join(__dirname, '..', '..', '..');
const COMPOSE_TEXT = readFileSync(join(REPO, 'docker-compose.yml'), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: (string | { type: string; source: string; target: string })[];
  healthcheck?: { test: string | string[] };
  depends_on?: string[] | Record<string, { condition?: string }>;
}
const compose = parse(COMPOSE_TEXT) as { services: Record<string, Service>; volumes?: Record<string, unknown> };

/**
 * What the images we do not build hold, from their published Dockerfiles, so a health check
 * can be held to a command its image has (no Docker engine runs here to try it). Add an image
 * with the source that says so.
 */
const IMAGE_COMMANDS: Record<string, { commands: string[]; source: string }> = {
  // docker-library/postgres: the server's client binaries are on PATH.
  postgres: { commands: ['sh', 'pg_isready', 'psql'], source: 'https://github.com/docker-library/postgres (Dockerfile-debian.template)' },
  // ClickHouse installs wget in its first RUN and keeps it.
  'clickhouse/clickhouse-server': { commands: ['sh', 'wget', 'clickhouse', 'clickhouse-client'], source: 'https://github.com/ClickHouse/ClickHouse/blob/master/docker/server/Dockerfile.ubuntu' },
  // busybox base: wget, no curl.
  'prom/prometheus': { commands: ['sh', 'wget', 'promtool'], source: 'https://github.com/prometheus/prometheus/blob/main/Dockerfile (quay.io/prometheus/busybox)' },
  // Debian slim: node and npm, no curl and no wget.
  node: { commands: ['sh', 'node', 'npm'], source: 'https://github.com/nodejs/docker-node (bookworm-slim)' },
};

/**
 * Host paths the stack mounts that a build writes rather than git holds: the path, the
 * workspace and script that write it. The compose file's header tells users to run it first.
 */
const BUILD_OUTPUTS: Record<string, { workspace: string; script: string }> = {
  'grafana-plugin/dist': { workspace: 'grafana-plugin', script: 'build' },
};

const imageName = (ref: string) => ref.replace(/:[^/]*$/, '');
const shellCommand = (script: string) => script.trim().split(/\s+/).find((w) => !/^\w+=/.test(w))!;

/** The health check a service runs: its own, or its image's HEALTHCHECK when we build it. */
function healthcheck(service: Service): { argv: string[]; base: string } | undefined {
  const dockerfile = service.build && parseDockerfile(join(REPO, service.build.context, service.build.dockerfile));
  const base = dockerfile ? imageName(dockerfile.at(-1)!.from) : imageName(service.image!.replace(/\$\{[^}]*\}/g, ''));
  const test = service.healthcheck?.test;
  if (test !== undefined) {
    const argv = typeof test === 'string' ? ['CMD-SHELL', test] : test;
    if (argv[0] === 'NONE') return undefined;
    return { argv: argv[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', argv.slice(1).join(' ')] : argv.slice(1), base };
  }
  const own = dockerfile?.at(-1)!.instructions.find((i) => i.keyword === 'HEALTHCHECK');
  return own ? { argv: parseHealthcheck(own.args).argv, base } : undefined;
}

describe('docker-compose.yml (checked without a Docker engine)', () => {
  it('mounts only host paths the repository holds, or that a documented build writes', () => {
    const problems: string[] = [];
    for (const [name, service] of Object.entries(compose.services)) {
      for (const v of service.volumes ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0]! : v.source;
        if (!source.startsWith('.') && !source.startsWith('/')) {
          if (!(source in (compose.volumes ?? {}))) problems.push(`${name}: named volume ${source} is not declared under volumes:`);
          continue;
        }
        const rel = join(source).replace(/^\.\//, '');
        const built = BUILD_OUTPUTS[rel];
        if (built) {
          const pkg = JSON.parse(readFileSync(join(REPO, built.workspace, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
          if (!pkg.scripts?.[built.script]) problems.push(`${name}: ${source} is written by \`npm run ${built.script}\` in ${built.workspace}/, which has no such script`);
          if (!COMPOSE_TEXT.split('services:')[0]!.includes(`\`npm run ${built.script}\` in ${built.workspace}/`)) problems.push(`${name}: the compose file's header does not tell users to run \`npm run ${built.script}\` in ${built.workspace}/ before mounting ${source}`);
          continue;
        }
        const host = join(REPO, rel);
        if (!existsSync(host)) problems.push(`${name}: mounts ${source}, which does not exist`);
        else if (statSync(host).isDirectory() && readdirSync(host).length === 0) problems.push(`${name}: mounts ${source}, which is empty`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('gives every service that others wait for as healthy a health check whose command its image has', () => {
    const problems: string[] = [];
    for (const [name, service] of Object.entries(compose.services)) {
      const hc = healthcheck(service);
      if (hc) {
        const facts = IMAGE_COMMANDS[hc.base];
        const command = hc.argv[0] === '/bin/sh' && hc.argv[1] === '-c' ? shellCommand(hc.argv[2]!) : hc.argv[0]!;
        if (!facts) problems.push(`${name}: nothing is known here about what image ${hc.base} holds; add it to IMAGE_COMMANDS with its source`);
        else if (!facts.commands.includes(command)) problems.push(`${name}: the health check runs ${command}, which ${hc.base} does not have (it has ${facts.commands.join(', ')})`);
      }
      const waits = Array.isArray(service.depends_on) ? {} : service.depends_on ?? {};
      for (const [dep, { condition }] of Object.entries(waits)) {
        if (condition === 'service_healthy' && !healthcheck(compose.services[dep]!)) problems.push(`${name}: waits for ${dep} to be healthy, and ${dep} has no health check`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('sets only variables the collector reads, on the port its image listens on and Prometheus and Grafana call', () => {
    const collector = compose.services.collector!;
    expect(Object.keys(collector.environment ?? {}).filter((k) => !(k in ENV_VARS))).toEqual([]);
    const port = collector.environment!.ARM_PORT;
    expect(collector.ports?.map((p) => p.split(':').at(-1))).toEqual([port]);
    const prometheus = readFileSync(join(REPO, 'alerting', 'prometheus', 'prometheus.yml'), 'utf8');
    expect(prometheus).toContain(`collector:${port}`);
    // The rule files Prometheus loads from its mount (alerting/prometheus) are there.
    for (const glob of (parse(prometheus) as { rule_files: string[] }).rule_files) {
      const [dir, file] = [glob.slice(0, glob.lastIndexOf('/')), glob.slice(glob.lastIndexOf('/') + 1)];
      const re = new RegExp(`^${file.replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`);
      expect({ glob, matches: readdirSync(join(REPO, 'alerting', 'prometheus', dir)).some((f) => re.test(f)) }).toEqual({ glob, matches: true });
    }
    expect(readFileSync(join(REPO, 'grafana-plugin', 'provisioning', 'plugins', 'app.yaml'), 'utf8')).toContain(`http://collector:${port}`);
  });

  it("signs Grafana's ClickHouse data source in as a read-only user of the AI-ARM database, never as the collector's", () => {
    const datasources = parse(readFileSync(join(REPO, 'grafana-plugin', 'provisioning', 'datasources', 'datasources.yaml'), 'utf8')) as { datasources: { type: string; jsonData?: Record<string, unknown>; secureJsonData?: Record<string, string> }[] };
    const ch = datasources.datasources.find((d) => d.type === 'grafana-clickhouse-datasource')!;
    expect(ch.jsonData?.username).toBe('grafana_reader');
    expect(ch.secureJsonData?.password).toBe('$CLICKHOUSE_GRAFANA_PASSWORD');
    const grafana = compose.services.grafana!.environment!;
    const clickhouse = compose.services.clickhouse!;
    // Grafana holds the reader's password and not the collector's user or password.
    expect(Object.keys(grafana).filter((k) => /^CLICKHOUSE_(USER|PASSWORD)$/.test(k))).toEqual([]);
    expect(grafana.CLICKHOUSE_GRAFANA_PASSWORD).toBe(clickhouse.environment!.CLICKHOUSE_GRAFANA_PASSWORD);
    // The user is defined by the file mounted into ClickHouse's users.d, with what it reads from the environment set.
    const mount = (clickhouse.volumes ?? []).map(String).find((v) => v.includes('/etc/clickhouse-server/users.d/'));
    expect(mount).toBeDefined();
    const xml = readFileSync(join(REPO, mount!.split(':')[0]!), 'utf8');
    for (const [, env] of xml.matchAll(/from_env="(\w+)"/g)) expect({ env, set: env! in clickhouse.environment! }).toEqual({ env, set: true });
    const user = /<users>\s*<grafana_reader>([\s\S]*?)<\/grafana_reader>/.exec(xml)![1]!;
    expect(user).toMatch(/<profile>grafana_reader<\/profile>/);
    expect(user).toMatch(/<allow_databases>\s*<database from_env="CLICKHOUSE_DB"\/>\s*<\/allow_databases>/);
    const profile = /<profiles>\s*<grafana_reader>([\s\S]*?)<\/grafana_reader>/.exec(xml)![1]!;
    // readonly = 1: no writes, no DDL, no SET; only the timeout Grafana's client sends may change, within a bound.
    expect(profile).toMatch(/<readonly>1<\/readonly>/);
    expect([...profile.matchAll(/<(\w+)>\s*(?:<max>\d+<\/max>\s*)?<changeable_in_readonly\/>/g)].map((m) => m[1])).toEqual(['max_execution_time']);
  });

  it('publishes the stores and Prometheus on the host loopback only, and Prometheus without its remote stop', () => {
    for (const name of ['clickhouse', 'postgres', 'prometheus']) {
      for (const p of compose.services[name]!.ports ?? []) expect({ name, port: p, loopback: p.startsWith('127.0.0.1:') }).toEqual({ name, port: p, loopback: true });
    }
    expect(compose.services.prometheus!.ports?.length).toBeGreaterThan(0);
    expect((compose.services.prometheus as { command?: string[] }).command).not.toContain('--web.enable-lifecycle');
  });
});
