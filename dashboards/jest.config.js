const base = require('../jest.config.base');

/** @type {import('jest').Config} */
module.exports = { ...base, displayName: 'dashboards', collectCoverageFrom: ['src/**/*.ts'] };
