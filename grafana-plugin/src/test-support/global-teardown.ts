import type { TestCollector } from './collector';

export default async function globalTeardown() {
  await (globalThis as { __aiarmCollector?: TestCollector }).__aiarmCollector?.stop();
}
