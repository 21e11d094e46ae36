import { ConfigError, ENV_VARS, loadConfig } from '../src/config/env';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('configuration from the environment', () => {
  it('has a default for everything, and runs embedded in demo mode with no credentials', () => {
    const c = loadConfig({}, '/srv/arm');
    expect(c.port).toBe(8080);
    expect(c.dataDir).toBe('/srv/arm/data');
    expect(c.postgresUrl).toBeNull();
    expect(c.clickhouseUrl).toBeNull();
    expect(c.demoMode).toBe(true);
  });

  it('leaves demo mode when a vendor key is set', () => {
    expect(loadConfig({ ANTHROPIC_ADMIN_KEY: 'sk-ant-admin01-x', ARM_MASTER_KEY: 'a'.repeat(64) }).demoMode).toBe(false);
    // Outside demo mode, credentials stored through the API need the master key.
    expect(() => loadConfig({ ANTHROPIC_ADMIN_KEY: 'sk-ant-admin01-x' })).toThrow(/ARM_MASTER_KEY is required outside demo mode/);
  });

  it('resolves a relative data directory against where npm was started', () => {
    expect(loadConfig({ INIT_CWD: '/home/me/ai-arm', ARM_DATA_DIR: 'var' }).dataDir).toBe('/home/me/ai-arm/var');
    expect(loadConfig({ ARM_DATA_DIR: '/abs' }).dataDir).toBe('/abs');
  });

  it('names every bad variable in one message', () => {
    let err: ConfigError | undefined;
    try {
      loadConfig({ ARM_PORT: 'abc', ARM_WRITE_BATCH_SIZE: '0', ARM_LOG_LEVEL: 'loud', ARM_CLICKHOUSE_DATABASE: 'a-b' });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.problems).toHaveLength(4);
    expect(err!.message).toMatch(/ARM_PORT must be an integer from 0 to 65535 \(got "abc"\)/);
    expect(err!.message).toMatch(/ARM_WRITE_BATCH_SIZE/);
    expect(err!.message).toMatch(/ARM_LOG_LEVEL/);
    expect(err!.message).toMatch(/ARM_CLICKHOUSE_DATABASE/);
    expect(err!.message.split('\n')).toHaveLength(1);
  });

  it('never echoes a connection URL, which may hold a password', () => {
    expect(() => loadConfig({ ARM_POSTGRES_URL: 'mysql://u:hunter2@db/x' })).toThrow(/ARM_POSTGRES_URL must use postgres: or postgresql:/);
    try {
      loadConfig({ ARM_CLICKHOUSE_URL: 'not a url hunter2' });
    } catch (e) {
      expect((e as Error).message).toMatch(/ARM_CLICKHOUSE_URL is not a URL/);
      expect((e as Error).message).not.toMatch(/hunter2/);
    }
  });

  it('is documented variable by variable in the README', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const [name, spec] of Object.entries(ENV_VARS)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\``));
      expect(row).toBeDefined();
      expect(row).toContain(spec.default === '' ? '(unset)' : `\`${spec.default}\``);
    }
  });
});
