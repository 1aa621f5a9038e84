import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { repoPath } from './repo';

/** What `node apps/<app>/dist/main.js --describe-config` prints (service-kit's ServiceDescription). */
export interface AppDescription {
  service: string;
  defaultPort: number;
  /** `setting`: the live setting the variable fixes when set (`logLevel` for LOG_LEVEL). */
  variables: { name: string; required: boolean; default?: string; secret: boolean; setting?: string }[];
  probes: { live: string; ready: string; startup: string };
}

export class AppNotBuiltError extends Error {
  readonly code = 'APP_NOT_BUILT';
}

/** The built entry point of an app: the file the Dockerfile starts. */
export function appEntry(app: string): string {
  const entry = repoPath('apps', app, 'dist', 'main.js');
  if (!existsSync(entry)) throw new AppNotBuiltError(`${entry} does not exist: run \`npm run build\` first`);
  return entry;
}

/**
 * The app's own account of its variables, defaults and probe paths, without starting it. `env` is
 * the environment the deployment gives it (NODE_ENV=production changes what is required).
 */
export function describeApp(app: string, env: Record<string, string> = {}): AppDescription {
  const result = spawnSync(process.execPath, [appEntry(app), '--describe-config'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout: 20_000,
  });
  if (result.status !== 0) throw new Error(`${app} --describe-config exited ${result.status}: ${result.stderr.trim()}`);
  return JSON.parse(result.stdout) as AppDescription;
}

/** Whether `name` is something the app reads: one of its variables, or NAME_FILE for one of them. */
export function readsVariable(description: AppDescription, name: string): boolean {
  const base = name.endsWith('_FILE') ? name.slice(0, -'_FILE'.length) : name;
  return description.variables.some((variable) => variable.name === name || variable.name === base);
}

export interface RunningApp {
  url: string;
  /** SIGTERM, then the exit code (null when it had to be killed). */
  stop(): Promise<number | null>;
  output(): string;
}

/** Starts the built app as the container would (node dist/main.js), with the given environment. */
export function startApp(app: string, env: Record<string, string>): RunningApp {
  const child = spawn(process.execPath, [appEntry(app)], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    url: `http://127.0.0.1:${env.PORT}`,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
