import { join } from 'node:path';
import { promtool } from './support/promtool';

describe('Prometheus configuration of the compose stack', () => {
  it('passes promtool check config, rule files included', () => {
    const { status, output } = promtool(['check', 'config', join(__dirname, '..', 'prometheus', 'prometheus.yml')]);
    expect(output).toMatch(/SUCCESS/);
    expect(output).toMatch(/ai-arm-costs\.rules\.yml/);
    expect(status).toBe(0);
  });
});
