import { findStackState, type StackStateLookup } from './state-file';
import type { StackState } from './stack-state';
import { environmentOver } from './stack-variables';

export interface ToolEnvironment {
  /** The shell's environment over the running stack's variables. */
  env: NodeJS.ProcessEnv;
  /** The running stack, when `npm start` runs one. */
  state?: StackState;
  lookup: StackStateLookup;
}

/** What a command-line tool reads: its environment, with the running stack filling in what the shell does not set. */
export function toolEnvironment(env: NodeJS.ProcessEnv = process.env): ToolEnvironment {
  const lookup = findStackState(env);
  const state = lookup.kind === 'found' ? lookup.state : undefined;
  return { env: environmentOver(state, env), state, lookup };
}
