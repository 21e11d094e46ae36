import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/env';

export const DEMO_MASTER_KEY_FILE = 'demo-master.key';

/**
 * ARM_MASTER_KEY, which the configuration requires outside demo mode. Demo mode without it
 * keeps a key of its own in the data directory, so connections added in a demo survive a
 * restart; it protects nothing the data directory does not already hold.
 */
export function masterKeyOf(config: Pick<Config, 'masterKey' | 'dataDir'>): Buffer {
  if (config.masterKey) return config.masterKey;
  const path = join(config.dataDir, DEMO_MASTER_KEY_FILE);
  if (existsSync(path)) return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600 });
  return key;
}
