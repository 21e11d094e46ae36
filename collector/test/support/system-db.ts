import type { TelemetryDb } from '../../src/stores/clickhouse/client';
import type { ControlPlaneDb } from '../../src/stores/postgres/types';
import { asSystem } from '../../src/stores/tenant-scope';

/**
 * A test's own look into a store, across organisations: what it seeds and checks directly is
 * not a tenant's request. The code under test keeps its own scope (its routes and its poller
 * set it), so a forgotten scope there still fails.
 */
export function systemDb<T extends Pick<ControlPlaneDb, 'query'> & Partial<ControlPlaneDb>>(db: T): T {
  return new Proxy(db, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function' || !['query', 'exec', 'transaction', 'command'].includes(String(prop))) return v;
      return (...args: unknown[]) => asSystem('test', () => (v as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}

export const systemTelemetry = (t: TelemetryDb): TelemetryDb => systemDb(t as unknown as ControlPlaneDb) as unknown as TelemetryDb;
