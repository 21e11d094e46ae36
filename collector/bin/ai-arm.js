#!/usr/bin/env -S node --conditions=@ai-arm/source
// Runs the collector CLI from its TypeScript source: tsx compiles on load, and the
// @ai-arm/source condition resolves workspace packages to their sources. The container
// image runs the compiled dist/ instead (see collector/Dockerfile).
'use strict';
require('tsx/cjs');
require('../src/cli/run.ts');
