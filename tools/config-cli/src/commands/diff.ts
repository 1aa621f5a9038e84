import type { KvSource } from '@lab/config';
import type { CommandContext } from '../command-context';
import { compareScope, scopesToVisit } from '../plan';

/** Prints each key that differs between the files and the KV store; exit 1 when any does. */
export async function diff(kv: KvSource, ctx: CommandContext): Promise<number> {
  let differences = 0;
  for (const scope of await scopesToVisit(ctx.configDir, ctx.args.service)) {
    for (const c of await compareScope(kv, ctx.configDir, scope, ctx.environment)) {
      if (c.state === 'same') continue;
      differences++;
      if (c.state === 'missing') ctx.out(`+ ${c.key} = ${ctx.show(c.key, c.file)}   (not in the KV store)`);
      else if (c.state === 'extra') ctx.out(`- ${c.key} = ${ctx.show(c.key, c.kv)}   (not in the files)`);
      else ctx.out(`~ ${c.key}: files ${ctx.show(c.key, c.file)}, KV ${ctx.show(c.key, c.kv)}`);
    }
  }
  ctx.out(differences === 0 ? 'no differences' : `${differences} difference${differences === 1 ? '' : 's'}`);
  return differences === 0 ? 0 : 1;
}
