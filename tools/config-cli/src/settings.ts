import { envEnum, envPem, envUrl } from '@lab/config';
import { registryBackends } from '@lab/discovery';
import { z } from 'zod';

const httpUrl = z
  .string()
  .refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), 'expected http(s) URLs');

/** The same variables the services read to find their registry, so the CLI talks to the same KV store. */
export const cliEnvironment = z.object({
  DISCOVERY_BACKEND: envEnum(registryBackends, 'consul'),
  CONSUL_URL: envUrl({ protocols: ['http:', 'https:'], default: 'http://127.0.0.1:8500' }),
  CONSUL_TOKEN: z.string().optional(),
  // For an https:// agent, as the services read them (usually through CONSUL_CA_FILE and the like).
  CONSUL_CA: envPem().optional(),
  CONSUL_CERT: envPem().optional(),
  CONSUL_KEY: envPem().optional(),
  ETCD_ENDPOINTS: z
    .string()
    .default('http://127.0.0.1:2379')
    .transform((text) =>
      text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean),
    )
    .pipe(z.array(httpUrl).min(1, 'expected at least one http(s) URL')),
  ETCD_USERNAME: z.string().optional(),
  ETCD_PASSWORD: z.string().optional(),
  ZOOKEEPER_CONNECT: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}(,[\w.-]+:\d{1,5})*(\/[\w./-]*)?$/, 'expected host:port[,host:port...][/chroot]')
    .default('127.0.0.1:2181'),
  /** Eureka keeps no keys: eureka-backed services read the Consul KV this names (npm start sets it). */
  EUREKA_CONFIG_KV_URL: httpUrl.optional(),
  CONFIG_DIR: z.string().optional(),
  NODE_ENV: z.string().optional(),
});

export type CliEnvironment = z.output<typeof cliEnvironment>;
