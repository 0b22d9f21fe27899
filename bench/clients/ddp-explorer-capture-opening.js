'use strict';
// ddp-explorer-capture.js with the flood starting the moment the inspector opens (its ring not yet made ready).
process.env.BENCH_CAPTURE_MODE = 'opening';
module.exports = require('./ddp-explorer-capture');
