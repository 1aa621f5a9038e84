import type { FlagEvaluator } from '@lab/config';
import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import { NotFound } from '../http/problem';
import { parseParams, parseQuery } from '../http/validate';
import { adminTokenGuard } from './admin-token';

const flagParams = z.object({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected a flag name (letters, digits, . _ -)'),
});

// Strict: a misspelt parameter (`user=`) is named instead of silently explaining for nobody.
// An empty value (`role=`, as a shell function with an empty argument sends it) means "none".
const emptyAsAbsent = (value: unknown) => (value === '' ? undefined : value);
const explainQuery = z.strictObject({
  userId: z.preprocess(emptyAsAbsent, z.string().max(256).optional()),
  role: z.preprocess(
    emptyAsAbsent,
    z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected a role name (letters, digits, . _ -)')
      .optional(),
  ),
});

/**
 * GET /admin/flags/:name/explain?userId=&role=, behind ADMIN_TOKEN like every /admin route: how the
 * flag evaluates on this instance, now, for that user and role, and why (kill switch, disabled, a
 * user or role rule, or the rollout with the user's bucket and the threshold). The answer is the
 * one the service's own code gets from ctx.flags.isEnabled. A flag this instance does not have is a
 * 404 listing those it has, so a typo in the name is not mistaken for "off".
 */
export function mountFlagRoutes(app: Express, o: { token: string | undefined; flags: FlagEvaluator }): void {
  const guard = adminTokenGuard(o.token);
  app.get('/admin/flags/:name/explain', guard, (req: Request, res: Response) => {
    const { name } = parseParams(flagParams, req);
    const subject = parseQuery(explainQuery, req);
    const known = o.flags.names();
    if (!known.includes(name)) {
      throw new NotFound(
        `there is no flag named ${name} here (${known.length === 0 ? 'no flags at all' : `flags: ${known.join(', ')}`})`,
      );
    }
    res.set('cache-control', 'no-store').json(o.flags.explain(name, subject));
  });
}
