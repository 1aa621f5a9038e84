// The public entry of @lab/common: small helpers every lib shares. It imports nothing of ours.
export { httpOrigin } from './http-origin';
export { isHostAddress } from './host-address';
export { silentLogger, type Logger } from './logger';
export { describeError, errorMessage } from './error-message';
export { sleep } from './sleep';
export { waitFor, WaitForTimeoutError, type WaitForOptions } from './wait-for';
export { backoffDelay, type BackoffOptions } from './backoff';
export { parseRetryAfter, retryAfterOf, retryDelay, type RetryDelayOptions } from './retry-after';
export { DurationError, formatDuration, parseDuration } from './duration';
export { TokenBucket } from './token-bucket';
export { OpenWatches } from './open-watches';
export { assertKvKey } from './kv-key';
export { parseCommandLine, UsageError, type CommandLineConfig } from './command-line';
export { runCommandMain, type Command, type CommandIo, type CommandProcess } from './command-main';
