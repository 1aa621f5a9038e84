import { z } from 'zod';

/**
 * A PEM document (a CA, a certificate or a key), given inline or, more usually, through NAME_FILE
 * (a mounted secret). Only its framing is checked; TLS reads the rest when it connects.
 */
export function envPem() {
  return z.string().refine((text) => text.includes('-----BEGIN '), 'expected a PEM document (-----BEGIN ...)');
}
