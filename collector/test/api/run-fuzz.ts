// `npm run fuzz -- --runs N --seed S`: the fuzz suite (test/api/fuzz.test.ts) for longer than npm test runs it.
import { spawnSync } from 'node:child_process';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const env = { ...process.env, ARM_FUZZ_RUNS: arg('runs', '200'), ARM_FUZZ_SEED: arg('seed', String(Date.now() % 2 ** 31)), NODE_OPTIONS: '--experimental-vm-modules' };
console.log(`fuzz: ${env.ARM_FUZZ_RUNS} runs per operation, seed ${env.ARM_FUZZ_SEED}`);
const r = spawnSync('npx', ['jest', '--coverage=false', '--testTimeout=3600000', 'test/api/fuzz.test.ts'], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
