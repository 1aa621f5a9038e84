import type { ManagedProcess } from './managed-process';

/** Polls `url` until it answers 200, failing early if the process behind it dies. */
export async function waitForHttpOk(
  url: string,
  process: ManagedProcess | undefined,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (process && !process.running) {
      throw new Error(`${process.name} exited during start-up:\n${process.recentOutput()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const output = process ? `\nits recent output:\n${process.recentOutput()}` : '';
  throw new Error(`${url} was not ready within ${timeoutMs} ms (${last})${output}`);
}
