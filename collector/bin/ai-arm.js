#!/usr/bin/env -S node --conditions=@ai-arm/source
// Runs the collector CLI from its TypeScript source: tsx compiles on load, and the
// @ai-arm/source condition resolves workspace packages to their sources. The container
// image runs the compiled dist/ instead (see collector/Dockerfile).
'use strict';
require('tsx/cjs');
const path = require('node:path');
const { main } = require(path.join(__dirname, '..', 'src', 'cli', 'main.ts'));
main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0 || process.argv[2] !== 'start') process.exit(code);
  },
  () => process.exit(1),
);
