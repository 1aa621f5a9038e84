import type { KvSource } from '@lab/config';
import { kvPrefix } from '@lab/config';
import type { CommandContext } from '../command-context';
import { compareScope, scopesToVisit } from '../plan';

/** Makes the KV store hold what the files say (only the keys that differ are written); --prune removes the rest. */
export async function seed(kv: KvSource, ctx: CommandContext): Promise<number> {
  for (const scope of await scopesToVisit(ctx.configDir, ctx.args.service)) {
    const comparisons = await compareScope(kv, ctx.configDir, scope, ctx.environment);
    let written = 0;
    let removed = 0;
    for (const c of comparisons) {
      if ((c.state === 'missing' || c.state === 'different') && c.file !== undefined) {
        await kv.put(c.key, c.file);
        ctx.out(`wrote ${c.key}`);
        written++;
      } else if (c.state === 'extra' && ctx.args.prune) {
        await kv.delete(c.key);
        ctx.out(`removed ${c.key}`);
        removed++;
      }
    }
    const unchanged = comparisons.filter((c) => c.state === 'same').length;
    const extra = comparisons.filter((c) => c.state === 'extra').length - removed;
    const parts = [`${written} written`, `${unchanged} unchanged`];
    if (removed > 0) parts.push(`${removed} removed`);
    if (extra > 0) parts.push(`${extra} only in the KV store (--prune removes them)`);
    ctx.out(`${kvPrefix(scope)}: ${parts.join(', ')}`);
  }
  return 0;
}
