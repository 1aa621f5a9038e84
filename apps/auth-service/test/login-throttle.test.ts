import { randomUUID } from 'node:crypto';
import { createRedisClient, TooManyRequests } from '@lab/service-kit';
import { describeWithInfra, infra } from '@lab/testing';
import type { Redis } from 'ioredis';
import { LoginThrottle, type LoginLimits } from '../src/login-throttle';

const limits: LoginLimits = { perAccount: 3, perAddress: 5, windowSeconds: 60 };
const quiet = { debug: () => undefined };

/** Makes `times` failed attempts (counted, never given back). */
async function fail(throttle: LoginThrottle, email: string, address: string, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await throttle.attempt(email, address);
}

async function refusal(attempt: Promise<unknown>): Promise<TooManyRequests> {
  const error = await attempt.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TooManyRequests);
  return error as TooManyRequests;
}

describe('LoginThrottle in memory', () => {
  it('refuses an account after its failures, from any address, with the wait until the window ends', async () => {
    const throttle = new LoginThrottle(limits);
    await fail(throttle, 'ada@example.com', '10.0.0.1', 3);
    const refused = await refusal(throttle.attempt('ada@example.com', '10.0.0.2'));
    expect(refused.status).toBe(429);
    expect(refused.retryAfterSeconds).toBeGreaterThan(55);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(refused.headers).toEqual({ 'retry-after': String(refused.retryAfterSeconds) });
    await expect(throttle.attempt('bob@example.com', '10.0.0.2')).resolves.toBeDefined();
  });

  it('refuses an address after its failures over many accounts', async () => {
    const throttle = new LoginThrottle(limits);
    for (let i = 0; i < 5; i++) await throttle.attempt(`user${i}@example.com`, '10.0.0.9');
    await refusal(throttle.attempt('fresh@example.com', '10.0.0.9'));
    await expect(throttle.attempt('fresh@example.com', '10.0.0.10')).resolves.toBeDefined();
  });

  it('does not let guesses at a closed account use up the address', async () => {
    const throttle = new LoginThrottle(limits);
    await fail(throttle, 'closed@example.com', '10.0.0.5', 3);
    for (let i = 0; i < 10; i++) await refusal(throttle.attempt('closed@example.com', '10.0.0.5'));
    // 3 of the address's 5 are used: two more accounts can still be tried from it, then no more.
    await fail(throttle, 'other1@example.com', '10.0.0.5', 1);
    await fail(throttle, 'other2@example.com', '10.0.0.5', 1);
    await refusal(throttle.attempt('other3@example.com', '10.0.0.5'));
    // ...and that refusal did not count against other3's own allowance.
    await fail(throttle, 'other3@example.com', '10.0.0.6', 3);
  });

  it('counts a burst of parallel attempts before any is answered, so none slips through', async () => {
    const throttle = new LoginThrottle(limits);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => throttle.attempt('burst@example.com', '10.0.0.3')),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
  });

  it('gives the allowance back after a success: the account starts over', async () => {
    const throttle = new LoginThrottle(limits);
    await fail(throttle, 'ok@example.com', '10.0.0.4', 2);
    await (await throttle.attempt('ok@example.com', '10.0.0.4')).succeeded();
    await fail(throttle, 'ok@example.com', '10.0.0.4', 2);
    await expect(throttle.attempt('ok@example.com', '10.0.0.4')).resolves.toBeDefined();
  });
});

describeWithInfra(['redis'], 'LoginThrottle on Redis', () => {
  const clients: Redis[] = [];

  async function client(url: string): Promise<Redis> {
    const redis = createRedisClient({
      url,
      commandTimeoutMs: 250,
      connectTimeoutMs: 500,
      maxReconnectDelayMs: 1000,
      log: quiet,
    });
    clients.push(redis);
    await redis.connect().catch(() => undefined);
    return redis;
  }

  afterAll(() => {
    for (const redis of clients) redis.disconnect();
  });

  it('shares the counts between replicas', async () => {
    const url = infra('redis').url!;
    const [a, b] = [new LoginThrottle(limits, await client(url)), new LoginThrottle(limits, await client(url))];
    const email = `${randomUUID()}@example.com`;
    await fail(a, email, '10.1.0.1', 2);
    await fail(b, email, '10.1.0.2', 1);
    await refusal(a.attempt(email, '10.1.0.3'));
    await refusal(b.attempt(email, '10.1.0.3'));
  });

  it('keeps limiting in memory while Redis cannot be reached', async () => {
    const throttle = new LoginThrottle(limits, await client('redis://127.0.0.1:9'));
    const email = `${randomUUID()}@example.com`;
    await fail(throttle, email, '10.1.0.4', 3);
    await refusal(throttle.attempt(email, '10.1.0.4'));
  });
});
