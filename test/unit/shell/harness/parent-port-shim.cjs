// `process.parentPort` of an Electron utility process, over Node's child-process IPC channel.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- loaded with `node -r`, which takes CommonJS */
const { EventEmitter } = require('node:events');
const port = new EventEmitter();
port.postMessage = (message) => process.send(message);
process.on('message', (message) => port.emit('message', { data: message }));
process.parentPort = port;
