export type Role = 'admin' | 'customer';

/** The caller, as proven by a verified access token. */
export interface AuthUser {
  id: string;
  role: Role;
  email?: string;
}

// Express's Request gains the fields this kit sets. Declared in a module (not a .d.ts) so that
// importing @lab/service-kit is all an app needs for `req.user` and `req.id` to type-check.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The request id (x-request-id), set on every request. */
      id: string;
      /** Set by ctx.auth.required / requireRole; read it only on routes behind them. */
      user: AuthUser;
    }
  }
}
