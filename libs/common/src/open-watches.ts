/**
 * The watches a client has open, so that closing the client closes them all. A watch is added
 * through a factory that receives the callback it calls when it closes, so it forgets itself.
 */
export class OpenWatches<W extends { close(): void }> implements Iterable<W> {
  private readonly open = new Set<W>();

  add(create: (onClosed: () => void) => W): W {
    const watch = create(() => this.open.delete(watch));
    this.open.add(watch);
    return watch;
  }

  get size(): number {
    return this.open.size;
  }

  /** Closes every open watch and returns them (for owners that wait on their cleanup). */
  closeAll(): W[] {
    const closing = [...this.open];
    for (const watch of closing) watch.close();
    this.open.clear();
    return closing;
  }

  [Symbol.iterator](): Iterator<W> {
    return this.open[Symbol.iterator]();
  }
}
