import type { Router } from 'express';
import { BadRequest, Unauthorized, formBodyParser, parseBody } from '@lab/service-kit';
import { z } from 'zod';
import { SERVICE_NAME, basicCredentials, type ServiceClients } from '../service-clients';
import type { TokenIssuer } from '../token-issuer';

const tokenRequest = z.object({
  grant_type: z.literal('client_credentials', { error: 'only client_credentials is supported' }),
  /** The service the token is for: its `aud`. */
  audience: z.string().regex(SERVICE_NAME, 'expected the name of the service to call'),
});

const CLIENT_REJECTED = { headers: { 'www-authenticate': 'Basic realm="auth-service", charset="UTF-8"' } };

/**
 * The OAuth2 client credentials grant (RFC 6749 section 4.4) for services: a service authenticates
 * with HTTP Basic (its name and its client secret) and gets a short-lived token for the one service
 * it names as `audience`. Errors are problem+json like every other answer here.
 */
export function registerTokenRoutes(
  app: Router,
  deps: { clients: ServiceClients; issuer: TokenIssuer; userAudience: string },
): void {
  app.post('/oauth/token', formBodyParser('2kb'), async (req, res) => {
    const credentials = basicCredentials(req.headers.authorization);
    if (credentials === undefined || !deps.clients.verify(credentials.clientId, credentials.secret)) {
      throw new Unauthorized(
        'Client authentication failed (HTTP Basic with the service name and secret)',
        CLIENT_REJECTED,
      );
    }
    const { audience } = parseBody(tokenRequest, req);
    if (audience === deps.userAudience) {
      throw new BadRequest('Service tokens are for a service, not for the users’ audience', {
        errors: [{ field: 'body.audience', message: 'is the audience of user tokens' }],
      });
    }
    const token = await deps.issuer.signService(credentials.clientId, audience);
    res
      .set({ 'cache-control': 'no-store', pragma: 'no-cache' })
      .json({ access_token: token, token_type: 'Bearer', expires_in: deps.issuer.serviceTtlSeconds });
  });
}
