import { UsageError } from '@lab/common';
import type { KvSource } from '@lab/config';
import { flagDefinitionSchema } from '@lab/config';
import type { CommandContext } from '../command-context';
import { keyOf } from '../keys';

/**
 * Writes one key. A value that looks like JSON must be JSON (it is stored compact); a flag must be a
 * valid flag definition. The services validate the whole configuration again before applying it.
 */
export async function set(kv: KvSource, ctx: CommandContext): Promise<number> {
  const key = keyOf(ctx.requireService(), ctx.args.key as string);
  const text = checkedValue(key, ctx.args.value as string);
  await kv.put(key, text);
  ctx.out(`set ${key} = ${ctx.show(key, text)}`);
  return 0;
}

export function checkedValue(key: string, value: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new UsageError('the value is empty (an empty value counts as unset)');
  let json: unknown;
  let isJson = false;
  if (/^[[{"]/.test(trimmed)) {
    try {
      json = JSON.parse(trimmed);
      isJson = true;
    } catch (error) {
      throw new UsageError(`the value looks like JSON but does not parse: ${(error as Error).message}`);
    }
  }
  if (/\/flags\/[^/]+$/.test(key)) {
    const flag = flagDefinitionSchema.safeParse(json);
    if (!isJson || !flag.success) {
      const problems = flag.success
        ? 'expected a JSON object'
        : flag.error.issues.map((i) => `${i.path.join('.') || '(flag)'}: ${i.message}`).join('; ');
      throw new UsageError(
        `${key} must be a flag definition such as {"enabled":true,"rolloutPercent":10} (${problems})`,
      );
    }
  }
  return isJson ? JSON.stringify(json) : value;
}
