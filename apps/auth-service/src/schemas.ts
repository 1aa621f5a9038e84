import { z } from 'zod';

/** Emails are compared and stored lower-cased and trimmed. */
const email = z.string().trim().toLowerCase().max(254).pipe(z.email());

export const registerBody = z.object({
  email,
  password: z.string().min(8).max(128),
});

export const loginBody = z.object({
  email,
  // No minimum beyond "present": older accounts may predate today's rules, and a wrong length is
  // just a wrong password. Nothing longer than the register limit can match.
  password: z.string().min(1).max(128),
});

/** Body of /auth/refresh and /auth/logout. Tokens we issue are 43 characters. */
export const refreshTokenBody = z.object({
  refreshToken: z.string().min(1).max(512),
});

export type RegisterBody = z.infer<typeof registerBody>;
