const base = require('../jest.config.base');

/** @type {import('jest').Config} */
module.exports = { ...base, displayName: 'schemas', collectCoverageFrom: ['src/**/*.ts', 'scripts/**/*.ts', '!scripts/generate.ts'] };
