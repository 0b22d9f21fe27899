'use strict';
// ddp-explorer-capture-host.js with a ring of 1,000 frames instead of 100,000: the same work per frame into memory
// that stays in the CPU's cache, so the difference between the two is what the big ring's memory costs.
process.env.BENCH_CAPTURE_MODE = 'small';
module.exports = require('./ddp-explorer-capture');
