// force timezone to UTC to allow tests to work regardless of local timezone
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const [, swc] = Object.entries(base.transform)[0];

module.exports = {
  ...base,
  // d3-color and friends ship ESM as .mjs, which the scaffold's transform does not match.
  transform: { ...base.transform, '^.+\\.mjs$': swc },
};
