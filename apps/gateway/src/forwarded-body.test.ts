import { PassThrough } from 'node:stream';
import { text } from 'node:stream/consumers';
import { ForwardedBody } from './forwarded-body';

describe('ForwardedBody', () => {
  it('reads nothing from the source until it is read itself', async () => {
    const source = new PassThrough();
    source.end('hello');
    const body = new ForwardedBody(source);
    await new Promise((resolve) => setImmediate(resolve));
    expect(body.started).toBe(false);
    expect(source.readableLength).toBe(5);

    await expect(text(body)).resolves.toBe('hello');
    expect(body.started).toBe(true);
  });

  it('passes a large body through in order, respecting backpressure', async () => {
    const source = new PassThrough();
    const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const body = new ForwardedBody(source);
    const received = text(body);
    for (const chunk of chunks) {
      if (!source.write(chunk)) await new Promise((resolve) => source.once('drain', resolve));
    }
    source.end();
    expect(await received).toBe(Buffer.concat(chunks).toString());
  });

  it('leaves the source intact when destroyed, so the caller can still be answered', () => {
    const source = new PassThrough();
    source.write('unsent');
    const body = new ForwardedBody(source);
    body.destroy(new Error('connect ECONNREFUSED'));
    body.on('error', () => undefined);
    expect(source.destroyed).toBe(false);
    expect(source.read()?.toString()).toBe('unsent');
  });

  it('fails when the caller hangs up before the body is complete', async () => {
    const source = new PassThrough();
    const body = new ForwardedBody(source);
    const received = text(body);
    source.write('partial');
    await new Promise((resolve) => setImmediate(resolve));
    source.destroy();
    await expect(received).rejects.toThrow('aborted by the client');
  });
});
