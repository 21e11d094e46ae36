const base = require('../jest.config.base');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  displayName: 'alerting',
  collectCoverageFrom: ['src/**/*.ts'],
  // Jest's default on a 2-core machine (one worker fewer than the cores) runs the files in band.
  // The two live files spend most of their minute and a half waiting on a demo collector,
  // Prometheus and Alertmanager, so two workers let the rest run meanwhile (about 120 s to 80 s).
  maxWorkers: 2,
};
