import { UsageError, type CommandIo } from '@lab/common';
import { toolEnvironment } from '@lab/stack-state';

import { LOAD_USAGE, parseLoadArgs, servedByKey, type LoadOptions } from './load-args';
import { formatSummary, summarize, type LoadSample } from './load-stats';
import { runOpenLoop } from './open-loop';

export type LoadIo = CommandIo;

/** `npm run load -- ...`; resolves to the exit code: 0 done (whatever the answers), 2 usage or no gateway. */
export async function runLoad(argv: readonly string[], io: LoadIo): Promise<number> {
  let options: LoadOptions;
  let url: URL;
  try {
    const parsed = parseLoadArgs(argv);
    if (parsed === 'help') {
      io.out(LOAD_USAGE);
      return 0;
    }
    options = parsed;
    url = new URL(options.path, gateway(io.env));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`load: ${error.message}`);
    return 2;
  }

  io.out(`load: ${options.rate}/s for ${options.durationMs / 1000} s, GET ${url.href} (open loop)`);
  const timeoutMs = 10_000;
  const samples = await runOpenLoop({
    rate: options.rate,
    durationMs: options.durationMs,
    send: (dueAt) => send(url, options, dueAt, timeoutMs),
    onSecond: (second, window) => io.out(formatSummary(`${second}s`, summarize(window))),
  });
  io.out(formatSummary('all', summarize(samples)));
  return 0;
}

function gateway(env: NodeJS.ProcessEnv): string {
  const found = toolEnvironment(env);
  const gw = found.env.GW;
  if (!gw) {
    throw new UsageError(
      `no gateway: no running stack (${found.lookup.kind} ${found.lookup.file}) and no GW in the environment. Start one with npm start`,
    );
  }
  if (!URL.canParse(gw) || !/^https?:$/.test(new URL(gw).protocol))
    throw new UsageError(`GW is not an http(s) URL: "${gw}"`);
  return gw;
}

async function send(url: URL, options: LoadOptions, dueAt: number, timeoutMs: number): Promise<LoadSample> {
  try {
    const response = await fetch(url, { headers: options.headers, signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    const servedBy = options.splitHeaders.map((h) => response.headers.get(h)).find((v) => v !== null);
    return {
      status: response.status,
      latencyMs: performance.now() - dueAt,
      ...(servedBy !== undefined && servedBy !== null ? { servedBy: servedByKey(servedBy) } : {}),
    };
  } catch {
    return { status: 'error', latencyMs: performance.now() - dueAt };
  }
}
