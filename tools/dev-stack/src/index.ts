export { startStack } from './stack';
export type { RunningStack, StackInstance, StartStackOptions } from './stack';
export type { RegistryTokens } from './registry-server';
export { parseArgs, SERVICES, UsageError } from './args';
export type { ServiceName, StackOptions } from './args';
export { stackStateOf } from './stack-state-of';
