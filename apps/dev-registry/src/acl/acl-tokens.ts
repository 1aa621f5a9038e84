import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  CompiledRules,
  rulesSchema,
  serviceIdentityRules,
  type GlobalResource,
  type Resource,
  type Rules,
} from './acl-rules';

/** The decisions a request's token allows. */
export interface Authorizer {
  allows(resource: Resource, name: string, wanted: 'read' | 'write'): boolean;
  allowsAllUnder(resource: Resource, prefix: string, wanted: 'read' | 'write'): boolean;
  allowsGlobal(resource: GlobalResource, wanted: 'read' | 'write'): boolean;
}

/** Every right: a registry without ACLs, or the management token. */
export const allowEverything: Authorizer = {
  allows: () => true,
  allowsAllUnder: () => true,
  allowsGlobal: () => true,
};

const name = z.string().trim().min(1, 'must not be empty');
const rulesText = z.union([
  rulesSchema,
  z.string().transform((text, ctx) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be rules in JSON (HCL is not read here)' });
      return z.NEVER;
    }
    const result = rulesSchema.safeParse(parsed);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: issue.path });
    return z.NEVER;
  }),
]);

/**
 * The ACL set-up, in the shapes of Consul's ACL API (`/v1/acl/policy`, `/v1/acl/token`), so the same
 * files can bootstrap a real Consul. `managementToken` is Consul's `initial_management` token.
 */
export const aclConfigSchema = z
  .object({
    managementToken: z.string().min(1, 'must not be empty'),
    policies: z
      .array(z.object({ Name: name, Description: z.string().optional(), Rules: rulesText }).strip())
      .default([]),
    tokens: z
      .array(
        z
          .object({
            SecretID: z.string().min(1, 'must not be empty'),
            AccessorID: z.string().optional(),
            Description: z.string().default(''),
            Policies: z.array(z.object({ Name: name }).strip()).default([]),
            ServiceIdentities: z.array(z.object({ ServiceName: name }).strip()).default([]),
          })
          .strip(),
      )
      .default([]),
    /**
     * Policies of the anonymous token, which requests without a token use (none by default: deny).
     * Consul's usual set-up gives it read on services and nodes, so that DNS and catalog reads work.
     */
    anonymousPolicies: z.array(z.object({ Name: name }).strip()).default([]),
  })
  .superRefine((config, ctx) => {
    const known = new Set(config.policies.map((p) => p.Name));
    config.anonymousPolicies.forEach((policy, i) => {
      if (!known.has(policy.Name))
        ctx.addIssue({ code: 'custom', path: ['anonymousPolicies', i, 'Name'], message: 'names no policy' });
    });
    const secrets = new Set<string>([config.managementToken]);
    config.tokens.forEach((token, i) => {
      if (secrets.has(token.SecretID))
        ctx.addIssue({ code: 'custom', path: ['tokens', i, 'SecretID'], message: 'is used twice' });
      secrets.add(token.SecretID);
      token.Policies.forEach((policy, j) => {
        if (!known.has(policy.Name))
          ctx.addIssue({ code: 'custom', path: ['tokens', i, 'Policies', j, 'Name'], message: 'names no policy' });
      });
    });
  });
export type AclConfigInput = z.input<typeof aclConfigSchema>;
export type AclConfig = z.output<typeof aclConfigSchema>;

/** What /v1/acl/token/self answers about a token (never another token's secret). */
export interface TokenInfo {
  AccessorID: string;
  SecretID: string;
  Description: string;
  Policies: Array<{ Name: string }>;
  ServiceIdentities: Array<{ ServiceName: string }>;
}

interface Held {
  info: TokenInfo;
  authorizer: Authorizer;
}

const ANONYMOUS: TokenInfo = {
  AccessorID: '00000000-0000-0000-0000-000000000002',
  SecretID: 'anonymous',
  Description: 'Anonymous Token',
  Policies: [],
  ServiceIdentities: [],
};

/** Secret to rights. Tokens are looked up by a digest, so no secret is compared byte by byte. */
export class AclTokens {
  private readonly bySecret = new Map<string, Held>();
  private readonly anonymous: Held;

  constructor(config: AclConfig) {
    const policies = new Map<string, Rules>(config.policies.map((p) => [p.Name, p.Rules]));
    this.anonymous = {
      info: { ...ANONYMOUS, Policies: config.anonymousPolicies },
      authorizer: new CompiledRules(config.anonymousPolicies.map((p) => policies.get(p.Name)!)),
    };
    this.bySecret.set(digest(config.managementToken), {
      info: {
        AccessorID: randomUUID(),
        SecretID: config.managementToken,
        Description: 'Initial Management Token',
        Policies: [{ Name: 'global-management' }],
        ServiceIdentities: [],
      },
      authorizer: allowEverything,
    });
    for (const token of config.tokens) {
      const rules = [
        ...token.Policies.map((p) => policies.get(p.Name)!),
        ...token.ServiceIdentities.map((s) => serviceIdentityRules(s.ServiceName)),
      ];
      this.bySecret.set(digest(token.SecretID), {
        info: {
          AccessorID: token.AccessorID ?? randomUUID(),
          SecretID: token.SecretID,
          Description: token.Description,
          Policies: token.Policies,
          ServiceIdentities: token.ServiceIdentities,
        },
        authorizer: new CompiledRules(rules),
      });
    }
  }

  /** The token's rights; no token is the anonymous one (no rights unless given: default deny); undefined for an unknown secret. */
  resolve(secret: string | undefined): Held | undefined {
    if (secret === undefined || secret === '') return this.anonymous;
    return this.bySecret.get(digest(secret));
  }
}

const digest = (secret: string): string => createHash('sha256').update(secret).digest('hex');
