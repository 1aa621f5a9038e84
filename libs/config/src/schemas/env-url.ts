import { z } from 'zod';

export interface EnvUrlOptions {
  /** Accepted schemes with their colon, e.g. ['http:', 'https:']; any when omitted. */
  protocols?: readonly string[];
  default?: string;
}

/** An absolute URL, kept as the string it was given (it may carry credentials to redact). */
export function envUrl(options: EnvUrlOptions = {}) {
  const { protocols } = options;
  const message = protocols ? `expected a URL starting with ${protocols.join(' or ')}//` : 'expected an absolute URL';
  const schema = z
    .string()
    .refine((text) => URL.canParse(text) && (!protocols || protocols.includes(new URL(text).protocol)), { message });
  return options.default === undefined ? schema : schema.default(options.default);
}
