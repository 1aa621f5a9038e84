import { runSteps } from './run-steps';
import type { KindSteps, StepOutcome } from './types';

const stop = async (): Promise<void> => undefined;
const skip = (reason: string) => async (): Promise<StepOutcome> => ({ skipped: reason });
const serve = (url: string) => async (): Promise<StepOutcome> => ({ url, stop });

describe('runSteps', () => {
  const steps: KindSteps = {
    env: skip('no TEST_REDIS_URL'),
    container: skip('no container runtime'),
    binary: serve('redis://127.0.0.1:7000'),
  };

  it('returns the first step that produces a server, with the reasons for the ones before', async () => {
    await expect(runSteps('redis', steps)).resolves.toMatchObject({
      kind: 'redis',
      available: true,
      url: 'redis://127.0.0.1:7000',
      source: 'binary',
      passedOver: ['no TEST_REDIS_URL', 'no container runtime'],
    });
  });

  it('joins every reason when no step produces one, skipping steps the kind lacks', async () => {
    const none: KindSteps = { ...steps, binary: skip('no redis-server binary') };
    await expect(runSteps('redis', none)).resolves.toEqual({
      kind: 'redis',
      available: false,
      reason: 'no TEST_REDIS_URL, no container runtime, no redis-server binary',
    });
  });

  it('starts at `from` and runs only `steps` when asked', async () => {
    const env = jest.fn(skip('no TEST_REDIS_URL'));
    const calls = { ...steps, env, embedded: serve('redis://embedded') };
    await expect(runSteps('redis', calls, { from: 'container' })).resolves.toMatchObject({ source: 'binary' });
    await expect(runSteps('redis', calls, { steps: ['embedded'] })).resolves.toMatchObject({ source: 'embedded' });
    expect(env).not.toHaveBeenCalled();
  });

  it('turns a step that throws into a reason and moves on', async () => {
    const failing: KindSteps = {
      binary: async () => {
        throw new Error('redis-server exited (code 1): bind: Address already in use\nmore');
      },
      embedded: serve('redis://embedded'),
    };
    await expect(runSteps('redis', failing)).resolves.toMatchObject({
      source: 'embedded',
      passedOver: ['binary failed: redis-server exited (code 1): bind: Address already in use'],
    });
  });

  it('rejects an unknown step name', async () => {
    await expect(runSteps('redis', steps, { from: 'cloud' as never })).rejects.toThrow('unknown resolve step "cloud"');
  });
});
