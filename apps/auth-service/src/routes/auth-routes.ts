import type { Router } from 'express';
import type { Queryable, ServiceAuth } from '@lab/service-kit';
import { Unauthorized, parseBody } from '@lab/service-kit';
import { registerCustomer } from '../registration';
import { loginBody, refreshTokenBody, registerBody } from '../schemas';
import type { LoginThrottle } from '../login-throttle';
import type { Sessions } from '../sessions';
import { InvalidCredentialsError, InvalidRefreshTokenError } from '../sessions';
import { findUserById } from '../user-repository';

/** Turns the session layer's rejections into 401s; the reason stays in the log, not the response. */
function asUnauthorized(err: unknown): never {
  if (err instanceof InvalidCredentialsError) throw new Unauthorized('Invalid email or password');
  if (err instanceof InvalidRefreshTokenError) throw new Unauthorized('The refresh token is not valid');
  throw err;
}

export function registerAuthRoutes(
  app: Router,
  deps: {
    db: Queryable;
    sessions: Sessions;
    throttle: LoginThrottle;
    requireUser: ServiceAuth['required'];
    log: { info(o: object, m?: string): void };
  },
): void {
  const { db, sessions } = deps;

  // 202 and the same answer for a new and a taken email: see registerCustomer.
  app.post('/auth/register', async (req, res) => {
    res.status(202).json(await registerCustomer(db, parseBody(registerBody, req), { log: deps.log }));
  });

  app.post('/auth/login', async (req, res) => {
    const { email, password } = parseBody(loginBody, req);
    // req.ip: the socket peer, or the client a trusted proxy (TRUSTED_PROXIES) names.
    const attempt = await deps.throttle.attempt(email, req.ip ?? req.socket.remoteAddress ?? 'unknown');
    const tokens = await sessions.login(email, password).catch(asUnauthorized);
    await attempt.succeeded();
    res.json(tokens);
  });

  app.post('/auth/refresh', async (req, res) => {
    const { refreshToken } = parseBody(refreshTokenBody, req);
    res.json(await sessions.refresh(refreshToken).catch(asUnauthorized));
  });

  app.post('/auth/logout', async (req, res) => {
    const { refreshToken } = parseBody(refreshTokenBody, req);
    await sessions.logout(refreshToken);
    res.status(204).end();
  });

  app.get('/auth/me', deps.requireUser, async (req, res) => {
    const user = await findUserById(db, req.user.id);
    // A valid token for a deleted account proves nothing about who is calling now.
    if (!user) throw new Unauthorized('The account no longer exists');
    res.json(user);
  });
}
