// The public entry of @lab/chaos: the two commands, for tests and scripts that run them in-process.
export { runChaos, type ChaosIo } from './chaos-cli';
export { runLoad, type LoadIo } from './load-cli';
export { summarize, formatSummary, type LoadSample, type LoadSummary } from './load-stats';
