import { envBool, envDuration } from '@lab/config';
import { z } from 'zod';
import { describeService, type ConfigVariable } from './describe-config';

const definition = {
  name: 'described-service',
  defaultPort: 3990,
  database: { migrations: [] },
  config: z.object({
    API_KEY: z.string().min(10),
    PAGE_SIZE: z.coerce.number().int().default(20),
    FEATURE_ON: envBool(false),
    POLL_EVERY: envDuration('5s'),
    UPSTREAMS: z
      .string()
      .transform((s) => s.split(','))
      .default(['a:1', 'b:2']),
    NICKNAME: z.string().optional(),
    SIGNING_SECRET: z.string().default('dev-only-secret'),
  }),
};

function byName(variables: ConfigVariable[]): Map<string, ConfigVariable> {
  return new Map(variables.map((v) => [v.name, v]));
}

describe('describeService', () => {
  const description = describeService(definition, {});
  const variables = byName(description.variables);

  it('names the service, its port and the probe paths', () => {
    expect(description).toMatchObject({
      service: 'described-service',
      defaultPort: 3990,
      probes: { live: '/health/live', ready: '/health/ready', startup: '/health/startup' },
    });
  });

  it('lists the base variables and the service’s own, each once', () => {
    const names = description.variables.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of ['PORT', 'HOST', 'DISCOVERY_BACKEND', 'CONSUL_URL', 'DATABASE_URL', 'API_KEY', 'PAGE_SIZE']) {
      expect(names).toContain(name);
    }
  });

  it('marks a variable required when it has neither a default nor is optional', () => {
    expect(variables.get('API_KEY')).toEqual({ name: 'API_KEY', required: true, secret: true });
    expect(variables.get('NICKNAME')).toEqual({ name: 'NICKNAME', required: false, secret: false });
    expect(variables.get('CONSUL_TOKEN')).toMatchObject({ required: false, secret: true });
  });

  it('writes defaults as the variable would be written', () => {
    expect(variables.get('PORT')).toMatchObject({ required: false, default: '3990' });
    expect(variables.get('PAGE_SIZE')).toMatchObject({ required: false, default: '20' });
    expect(variables.get('FEATURE_ON')).toMatchObject({ default: 'false' });
    expect(variables.get('POLL_EVERY')).toMatchObject({ default: '5000' });
    expect(variables.get('UPSTREAMS')).toMatchObject({ default: 'a:1,b:2' });
    expect(variables.get('CHECK_INTERVAL')).toMatchObject({ default: '10000' });
  });

  it('marks secrets by name and the base secrets, and never repeats a secret default', () => {
    expect(variables.get('SIGNING_SECRET')).toEqual({ name: 'SIGNING_SECRET', required: false, secret: true });
    expect(variables.get('DATABASE_URL')).toMatchObject({ secret: true });
    expect(variables.get('HOST')).toMatchObject({ secret: false });
  });

  it('lists the variables mapped onto live settings, secret by name or by path', () => {
    const live = byName(
      describeService(
        {
          ...definition,
          dynamicConfig: {
            envMapping: { CACHE_TTL: 'cache.ttlSeconds', PARTNER: 'partner.credentials.id' },
            secretPaths: ['partner.credentials'],
          },
        },
        {},
      ).variables,
    );
    expect(live.get('CACHE_TTL')).toEqual({
      name: 'CACHE_TTL',
      required: false,
      secret: false,
      setting: 'cache.ttlSeconds',
    });
    expect(live.get('PARTNER')).toEqual({
      name: 'PARTNER',
      required: false,
      secret: true,
      setting: 'partner.credentials.id',
    });
    // LOG_LEVEL is mapped onto logLevel too, and listed once, from the base schema.
    const logLevel = describeService(definition, {}).variables.filter((v) => v.name === 'LOG_LEVEL');
    expect(logLevel).toEqual([expect.objectContaining({ default: 'info', setting: 'logLevel' })]);
  });

  it('requires DATABASE_URL of a service with a database only in production', () => {
    expect(variables.get('DATABASE_URL')).toMatchObject({ required: false });
    const production = byName(describeService(definition, { NODE_ENV: 'production' }).variables);
    expect(production.get('DATABASE_URL')).toMatchObject({ required: true });
    const withoutDatabase = byName(
      describeService({ ...definition, database: undefined }, { NODE_ENV: 'production' }).variables,
    );
    expect(withoutDatabase.get('DATABASE_URL')).toMatchObject({ required: false });
  });
});
