import { envInt } from '@lab/config';
import { z } from 'zod';

/** The gateway's own environment variables, on top of service-kit's base ones. */
export const gatewayConfig = z.object({
  /** Per upstream attempt: how long to wait for response headers, and for each body chunk after. */
  GATEWAY_UPSTREAM_TIMEOUT_MS: envInt({ min: 1, max: 600_000, default: 10_000 }),
  /** Extra attempts on other instances after a connection failure, when a retry is safe. */
  GATEWAY_RETRY_ATTEMPTS: envInt({ min: 0, max: 10, default: 2 }),
  /** Open connections per upstream instance; requests beyond wait for a free one. */
  GATEWAY_MAX_CONNECTIONS_PER_INSTANCE: envInt({ min: 1, max: 10_000, default: 128 }),
  /** Largest request body passed on, in bytes (10 MiB); a larger one is answered 413, unread. */
  GATEWAY_MAX_BODY_BYTES: envInt({ min: 0, max: 2 ** 40, default: 10 * 1024 * 1024 }),
});

export type GatewayConfig = z.output<typeof gatewayConfig>;
