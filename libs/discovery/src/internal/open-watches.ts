import type { InstanceWatch } from '../types';

/** The watches a registry has open, so that closing the registry closes them all. */
export class OpenWatches<W extends InstanceWatch> {
  private readonly open = new Set<W>();

  /** Creates a watch that forgets itself when closed; `create` receives that callback. */
  add(create: (onClosed: () => void) => W): W {
    const watch = create(() => this.open.delete(watch));
    this.open.add(watch);
    return watch;
  }

  /** Closes every open watch and returns them (for backends that wait on their cleanup). */
  closeAll(): W[] {
    const closing = [...this.open];
    for (const watch of closing) watch.close();
    return closing;
  }
}
