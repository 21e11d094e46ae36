import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const DIST = join(__dirname, '..', 'dist');
const DASHBOARDS = join(__dirname, '..', '..', 'dashboards', 'json');

beforeAll(() => {
  if (!existsSync(join(DIST, 'module.js'))) {
    throw new Error(
      'no grafana-plugin/dist: run `npm run build` in grafana-plugin/ first (its npm test builds before jest)'
    );
  }
});

describe('the built plugin (dist/)', () => {
  const plugin = () => JSON.parse(readFileSync(join(DIST, 'plugin.json'), 'utf8'));

  test('has plugin.json with the placeholders filled in, and module.js', () => {
    const p = plugin();
    expect(p.id).toBe('aiarm-app');
    expect(p.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(p.info.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(p.includes.filter((i: { type: string }) => i.type === 'page').map((i: { path: string }) => i.path)).toEqual([
      '/a/aiarm-app/agents',
      '/a/aiarm-app/costs',
      '/a/aiarm-app/governance',
      '/a/aiarm-app/quality',
      '/a/aiarm-app/context',
      '/plugins/aiarm-app',
    ]);
    expect(statSync(join(DIST, 'module.js')).size).toBeGreaterThan(0);
  });

  test('ships every generated dashboard, unchanged, as a dashboard include', () => {
    const generated = readdirSync(DASHBOARDS)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(generated.length).toBeGreaterThan(0);
    const includes = plugin().includes.filter((i: { type: string }) => i.type === 'dashboard');
    expect(includes.map((i: { path: string }) => i.path).sort()).toEqual(generated.map((f) => `dashboards/${f}`));
    for (const include of includes) {
      const shipped = JSON.parse(readFileSync(join(DIST, include.path), 'utf8'));
      expect(shipped).toEqual(
        JSON.parse(readFileSync(join(DASHBOARDS, include.path.replace('dashboards/', '')), 'utf8'))
      );
      expect(include.name).toBe(shipped.title);
    }
  });
});
