// Preloaded into a service under measurement (`node --expose-gc --require <this file> main.js`,
// spawned with an IPC channel). On the parent's 'footprint' message it answers with every module
// file loaded so far, their total size, and the heap in use after a full collection, so the
// numbers describe what startup kept alive rather than when the collector last ran.
'use strict';
const { statSync } = require('node:fs');

if (typeof process.send === 'function') {
  process.on('message', (message) => {
    if (message !== 'footprint') return;
    if (typeof globalThis.gc === 'function') globalThis.gc();
    const modules = Object.keys(require.cache);
    let sourceBytes = 0;
    for (const file of modules) {
      try {
        sourceBytes += statSync(file).size;
      } catch {
        // Not a file on disk (a built-in or virtual module): nothing to count.
      }
    }
    process.send({
      modules,
      sourceBytes,
      heapUsed: process.memoryUsage().heapUsed,
      gc: typeof globalThis.gc === 'function',
    });
  });
  // The channel is only for the measurement: it must not keep a stopping service alive.
  process.channel.unref();
}
