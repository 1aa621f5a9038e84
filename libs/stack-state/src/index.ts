// The public entry of @lab/stack-state: how `npm start` tells the tools of a second shell where its stack runs.
export { stackStateSchema, stackInstanceSchema, type StackState, type StackStateInstance } from './stack-state';
export {
  findStackState,
  isAlive,
  removeStackState,
  stackStatePath,
  StackStateError,
  writeStackSecret,
  writeStackState,
  type StackStateLookup,
} from './state-file';
export { environmentOver, exportLines, stackVariables } from './stack-variables';
export { toolEnvironment, type ToolEnvironment } from './running-stack';
