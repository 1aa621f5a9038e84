import { WaitForTimeoutError, waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves with the first truthy value the predicate returns', async () => {
    let calls = 0;
    const value = await waitFor(() => (++calls >= 3 ? { calls } : undefined), { intervalMs: 1 });
    expect(value).toEqual({ calls: 3 });
  });

  it('treats a throwing predicate as "not yet" and keeps its last error on the timeout', async () => {
    const error = await waitFor(
      () => {
        throw new Error('still booting');
      },
      { timeoutMs: 30, intervalMs: 5, description: 'the server' },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitForTimeoutError);
    expect((error as WaitForTimeoutError).code).toBe('WAIT_FOR_TIMEOUT');
    expect((error as Error).message).toBe('timed out after 30 ms waiting for the server; last error: still booting');
  });

  it('stops at once when its signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error('process exited')), 20);
    await expect(
      waitFor(() => false, { timeoutMs: 5_000, intervalMs: 1_000, signal: controller.signal }),
    ).rejects.toThrow('process exited');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
