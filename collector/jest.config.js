const base = require('../jest.config.base');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  displayName: 'collector',
  collectCoverageFrom: ['src/**/*.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
