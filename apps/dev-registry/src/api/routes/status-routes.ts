import type { Route } from '../router';
import { json } from './helpers';

// A single server that is always its own leader; the address is Consul's server RPC port.
const SELF = '127.0.0.1:8300';

export function statusRoutes(): Route[] {
  return [
    { path: '/v1/status/leader', public: true, methods: { GET: (ctx) => json(ctx, SELF) } },
    { path: '/v1/status/peers', public: true, methods: { GET: (ctx) => json(ctx, [SELF]) } },
  ];
}
