import { checkRegistryEnv, registryEnvShape } from '@lab/config';
import { registryBackends } from '@lab/discovery';
import { z } from 'zod';

/** The variables the services read to find their registry, read the same way, so the CLI talks to the same KV store. */
export const cliEnvironment = z
  .object({
    ...registryEnvShape(registryBackends),
    CONFIG_DIR: z.string().optional(),
    NODE_ENV: z.string().optional(),
  })
  .superRefine(checkRegistryEnv);

export type CliEnvironment = z.output<typeof cliEnvironment>;
