// force timezone to UTC to allow tests to work regardless of local timezone
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const [, swc] = Object.entries(base.transform)[0];

module.exports = {
  ...base,
  // d3-color and friends ship ESM as .mjs, which the scaffold's transform does not match.
  transform: { ...base.transform, '^.+\\.mjs$': swc },
  // One real demo collector for the run (chdb and PGlite cannot run under jsdom).
  globalSetup: '<rootDir>/src/test-support/global-setup.ts',
  globalTeardown: '<rootDir>/src/test-support/global-teardown.ts',
  testTimeout: 30000,
};
