import { UsageError } from '@lab/common';
import type { KvSource } from '@lab/config';
import { checkKvValue, kvPrefix } from '@lab/config';
import type { CommandContext } from '../command-context';
import { keyOf } from '../keys';

/**
 * Writes one key, checked first (checkKvValue: JSON must parse and is stored compact, a flag must be
 * a flag definition, an object may not stand where the settings are one key each). The services
 * validate the whole configuration again before applying it.
 */
export async function set(kv: KvSource, ctx: CommandContext): Promise<number> {
  const scope = ctx.requireService();
  const key = keyOf(scope, ctx.args.key as string);
  const checked = checkKvValue(scope, key.slice(kvPrefix(scope).length), ctx.args.value as string);
  if ('issue' in checked) throw new UsageError(checked.issue);
  await kv.put(key, checked.text);
  ctx.out(`set ${key} = ${ctx.show(key, checked.text)}`);
  return 0;
}
