const { availableParallelism } = require('node:os');
const base = require('../jest.config.base');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  displayName: 'collector',
  collectCoverageFrom: ['src/**/*.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Each file starts on a worker chdb directory without the databases earlier files left.
  setupFilesAfterEnv: ['<rootDir>/test/support/drop-stale-databases.ts'],
  // Jest's default (one worker fewer than the cores) runs the suite in band on a 2-core CI
  // machine, one file after another; much of a file's time is spent waiting on child
  // collectors, simulators, Prometheus and tsc, so two workers overlap it with another file.
  maxWorkers: Math.max(2, availableParallelism() - 1),
  // The image is Node 24's: when CI's Node 24 pass follows (ARM_IMAGE_TEST_LATER, set by .ci/run),
  // the image test, which compiles the collector with tsc in its stage, runs there alone.
  testPathIgnorePatterns: ['/node_modules/', ...(process.env.ARM_IMAGE_TEST_LATER ? ['<rootDir>/test/deploy/image\\.test\\.ts$'] : [])],
};
