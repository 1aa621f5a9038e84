import type { KvSource } from '@lab/config';
import { kvPrefix } from '@lab/config';
import type { CommandContext } from '../command-context';
import { keyOf } from '../keys';

/** Prints one key's value as stored (exit 1 when it is not set), or every key of the service. */
export async function get(kv: KvSource, ctx: CommandContext): Promise<number> {
  const scope = ctx.requireService();
  if (ctx.args.key === undefined) {
    const entries = [...(await kv.list(kvPrefix(scope)))].sort(([a], [b]) => a.localeCompare(b));
    for (const [key, value] of entries) ctx.out(`${key} = ${ctx.show(key, value)}`);
    if (entries.length === 0) ctx.err(`nothing under ${kvPrefix(scope)}`);
    return 0;
  }
  const key = keyOf(scope, ctx.args.key);
  const value = (await kv.list(key)).get(key);
  if (value === undefined) {
    ctx.err(`${key} is not set`);
    return 1;
  }
  ctx.out(value);
  return 0;
}
