import { watch, type FSWatcher } from 'node:fs';
import { errorMessage, type Logger } from '@lab/common';

/**
 * Watches directories and calls `onChange` once things have been quiet for `debounceMs`. It watches
 * the directory, not the files: Kubernetes updates a mounted ConfigMap by swapping a `..data`
 * symlink, which replaces every file at once and would silently end a watch held on a file.
 */
export class DirectoryWatcher {
  private readonly watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    directories: readonly string[],
    private readonly debounceMs: number,
    private readonly onChange: () => void,
    private readonly logger: Logger,
  ) {
    for (const dir of directories) {
      try {
        const watcher = watch(dir, { persistent: false }, () => this.changed());
        watcher.on('error', (error) => {
          logger.warn(
            { dir, err: errorMessage(error) },
            'config directory watch failed; file changes there are no longer seen',
          );
          watcher.close();
        });
        this.watchers.push(watcher);
      } catch (error) {
        // A service may have no folder of its own; nothing to reload there.
        logger.debug({ dir, err: errorMessage(error) }, 'config directory not watched');
      }
    }
  }

  /** How many directories are being watched. */
  get size(): number {
    return this.watchers.length;
  }

  close(): void {
    clearTimeout(this.timer);
    for (const watcher of this.watchers) watcher.close();
    this.watchers.length = 0;
  }

  private changed(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onChange, this.debounceMs);
    this.timer.unref();
  }
}
