const base = require('../jest.config.base');

/** @type {import('jest').Config} */
// No generator code here yet, so nothing to measure coverage of; the rules issue adds src/.
module.exports = { ...base, displayName: 'alerting', collectCoverage: false };
