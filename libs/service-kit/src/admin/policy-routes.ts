import type { CallPolicy } from '@lab/resilience';
import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import { NotFound } from '../http/problem';
import { parseParams } from '../http/validate';
import { adminTokenGuard } from './admin-token';

const policyParams = z.object({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected a policy name (a dependency such as inventory-service)'),
});

/**
 * Operator actions on the resilience policies, behind ADMIN_TOKEN like every /admin route:
 * - POST /admin/policies/:name/force-open holds the breaker open (every call refused at once,
 *   fallbacks answer) until reset: taking a misbehaving dependency out of service by hand;
 * - POST /admin/policies/:name/reset closes it with an empty window, forced or not.
 * Each answers the policy's snapshot, as /health/detailed shows it. Only policies that exist are
 * touched: naming one the service has not made is a 404 listing those it has.
 */
export function mountPolicyRoutes(
  app: Express,
  o: {
    token: string | undefined;
    policy: (name: string) => CallPolicy | undefined;
    names: () => string[];
    log: { info(o: object, m: string): void };
  },
): void {
  const guard = adminTokenGuard(o.token);
  const act = (action: 'force-open' | 'reset', apply: (policy: CallPolicy) => void) =>
    app.post(`/admin/policies/:name/${action}`, guard, (req: Request, res: Response) => {
      const { name } = parseParams(policyParams, req);
      const policy = o.policy(name);
      if (policy === undefined) {
        const known = o.names().sort();
        throw new NotFound(
          `there is no policy named ${name} here (${known.length === 0 ? 'none yet' : `policies: ${known.join(', ')}`})`,
        );
      }
      apply(policy);
      o.log.info({ policy: name, action }, `breaker of ${name}: ${action} by an operator`);
      res.set('cache-control', 'no-store').json(policy.snapshot());
    });
  act('force-open', (policy) => policy.forceOpen());
  act('reset', (policy) => policy.reset());
}
