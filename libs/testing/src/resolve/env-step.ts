import type { InfraKind } from '../infra-kind';
import { urlVariable } from '../infra-kind';
import { probes } from '../probes';
import { describeError } from '@lab/common';
import { redactUrl } from '../redact-url';
import type { StepRunner } from './types';

/** Step 1: a server someone already runs, named by TEST_*_URL, used only if it answers. */
export function envStep(kind: InfraKind): StepRunner {
  return async (o) => {
    const variable = urlVariable[kind];
    const url = (o.env ?? process.env)[variable]?.trim();
    if (!url) return { skipped: `no ${variable}` };
    try {
      await probes[kind](url);
    } catch (error) {
      return { skipped: `${variable} (${redactUrl(url)}) did not answer: ${describeError(error)}` };
    }
    return { url, stop: async () => undefined };
  };
}
