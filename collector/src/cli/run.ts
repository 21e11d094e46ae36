import { main } from './main';

const LONG_RUNNING = new Set(['start', 'simulate']);

// `start` and `simulate` keep running after main() resolves (their servers hold the process open);
// every other command, and a failed start, exits with main's code.
main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0 || !LONG_RUNNING.has(process.argv[2] ?? '')) process.exit(code);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
