import { Readable } from 'node:stream';

/**
 * The caller's request body as one upstream attempt sees it.
 *
 * undici destroys the body stream of a request that fails, even one that never connected. Handing
 * it the caller's request directly would therefore kill the caller's socket on the first refused
 * connection: no retry, not even a 502. This wrapper is what undici owns and destroys; the
 * caller's stream is only read from, and only once undici starts sending, so `started` tells
 * whether a byte may have left (after which the attempt cannot be repeated).
 *
 * It also counts: a body that grows past `limit` bytes (a chunked one, whose length nobody
 * announced) fails the attempt, and `tooLarge` says why.
 */
export class ForwardedBody extends Readable {
  private flowing = false;
  private received = 0;
  private overLimit = false;

  constructor(
    private readonly source: Readable,
    private readonly limit = Infinity,
  ) {
    super();
  }

  /** Whether the body grew past the limit; the attempt was failed for it. */
  get tooLarge(): boolean {
    return this.overLimit;
  }

  /** Whether any of the body may have been sent; a retry is only possible while it is false. */
  get started(): boolean {
    return this.flowing;
  }

  override _read(): void {
    if (!this.flowing) {
      this.flowing = true;
      if (this.source.readableEnded) {
        this.push(null);
        return;
      }
      this.source
        .on('data', this.onData)
        .once('end', this.onEnd)
        .once('error', this.onError)
        .once('close', this.onClose);
    }
    this.source.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.detach();
    // A half-read request body cannot be handed to anyone else; the caller's side ends with the
    // response the gateway sends, so leave the source paused rather than destroying it.
    this.source.pause();
    callback(error);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.received += chunk.length;
    if (this.received > this.limit) {
      this.overLimit = true;
      this.destroy(new Error(`request body larger than ${this.limit} bytes`));
      return;
    }
    if (!this.push(chunk)) this.source.pause();
  };

  private readonly onEnd = (): void => {
    this.detach();
    this.push(null);
  };

  private readonly onError = (error: Error): void => {
    this.destroy(error);
  };

  /** The caller hung up before sending the whole body. */
  private readonly onClose = (): void => {
    if (!this.source.readableEnded) this.destroy(new Error('request body aborted by the client'));
  };

  private detach(): void {
    this.source.off('data', this.onData).off('end', this.onEnd).off('error', this.onError).off('close', this.onClose);
  }
}
