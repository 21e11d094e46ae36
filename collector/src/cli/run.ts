import { main } from './main';

// `start` keeps running after main() resolves (its server holds the process open);
// every other command, and a failed start, exits with main's code.
main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0 || process.argv[2] !== 'start') process.exit(code);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
