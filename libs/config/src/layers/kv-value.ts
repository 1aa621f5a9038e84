import { flagDefinitionSchema } from '../flags/flag-definition';
import { MAX_CONFIG_DEPTH, nestingDepth, setAtPath, type ConfigTree } from '../tree/config-tree';
import { isFlagDefinitionPath, kvPrefix, treeToKvEntries } from './kv-layout';

/** The text to store, or why the value cannot be stored at that key. */
export type KvValueCheck = { text: string } | { issue: string };

/** How many of the keys an object stands for a refusal lists before "and N more". */
const LISTED_KEYS = 4;

/**
 * Checks a value typed for one KV key (`relativeKey` under `config/<scope>/`, slash-separated)
 * before anything is written, as the config CLI and the dashboard write it: a value that looks like
 * JSON must parse (it is stored compact), a flag must be a flag definition, and a JSON object may
 * not stand at a key that holds settings. The store layers a key beneath another over it (see
 * kvEntriesToTree), and seed writes one key per setting, so such an object is ignored wherever
 * those keys exist: the refusal names the keys to set instead. Everything else is the service's to
 * judge: it validates the whole configuration before it applies a change.
 */
export function checkKvValue(scope: string, relativeKey: string, value: string): KvValueCheck {
  const key = `${kvPrefix(scope)}${relativeKey}`;
  const trimmed = value.trim();
  if (trimmed === '') return { issue: 'the value is empty (an empty value counts as unset)' };
  const looksJson = /^[[{"]/.test(trimmed);
  let json: unknown;
  if (looksJson) {
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      return { issue: `the value looks like JSON but does not parse: ${(error as Error).message}` };
    }
  }
  const segments = relativeKey.split('/');
  if (isFlagDefinitionPath(segments)) {
    const flag = flagDefinitionSchema.safeParse(json);
    if (!flag.success) {
      const problems = flag.error.issues.map((i) => `${i.path.join('.') || '(flag)'}: ${i.message}`).join('; ');
      return { issue: `${key} must be a flag definition such as {"enabled":true,"rolloutPercent":10} (${problems})` };
    }
  } else if (looksJson) {
    if (nestingDepth(json) > MAX_CONFIG_DEPTH)
      return { issue: `the value nests deeper than ${MAX_CONFIG_DEPTH} levels` };
    const tree: ConfigTree = {};
    setAtPath(tree, segments, json);
    const entries = [...treeToKvEntries(tree)];
    if (entries.length !== 1 || entries[0]![0] !== relativeKey) {
      const listed = entries.slice(0, LISTED_KEYS).map(([k, v]) => `${k} ${shellWord(v)}`);
      if (entries.length > LISTED_KEYS) listed.push(`${entries.length - LISTED_KEYS} more`);
      const keys = listed.length > 1 ? `${listed.slice(0, -1).join(', ')} and ${listed.at(-1)}` : listed.join('');
      return {
        issue: `${key} holds settings, one key each (a key beneath it wins over a JSON object here): set ${keys} instead`,
      };
    }
  }
  return { text: looksJson ? JSON.stringify(json) : trimmed };
}

/** A value as it would be typed in a shell: bare when it is safe so, single-quoted otherwise. */
function shellWord(text: string): string {
  return /^[\w.:/@+-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
