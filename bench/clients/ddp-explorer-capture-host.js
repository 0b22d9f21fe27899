'use strict';
// ddp-explorer-capture.js without VS Code's serialization of each batch for the webview: the capture's own cost.
process.env.BENCH_CAPTURE_MODE = 'host';
module.exports = require('./ddp-explorer-capture');
