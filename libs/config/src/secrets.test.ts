import { redactSecrets } from './secrets';

describe('redactSecrets', () => {
  it('hides the listed keys and every key whose name looks secret', () => {
    const config = {
      PORT: 3001,
      SIGNING_MATERIAL: 'abc',
      JWT_PRIVATE_KEY: 'pem',
      DB_PASSWORD: 'pw',
      CONSUL_TOKEN: 't',
    };
    expect(redactSecrets(config, ['SIGNING_MATERIAL'])).toEqual({
      PORT: 3001,
      SIGNING_MATERIAL: '[redacted]',
      JWT_PRIVATE_KEY: '[redacted]',
      DB_PASSWORD: '[redacted]',
      CONSUL_TOKEN: '[redacted]',
    });
  });

  it('hides the password inside connection URLs but keeps the rest readable', () => {
    const redacted = redactSecrets({ DATABASE_URL: 'postgres://app:s3cr3t@db:5432/orders' });
    expect(redacted.DATABASE_URL).toBe('postgres://app:[redacted]@db:5432/orders');
  });

  it('leaves unset secrets unset and does not touch the original', () => {
    const config = { CONSUL_TOKEN: undefined, API_SECRET: 'x' };
    const redacted = redactSecrets(config, []);
    expect(redacted).toEqual({ CONSUL_TOKEN: undefined, API_SECRET: '[redacted]' });
    expect(config.API_SECRET).toBe('x');
  });
});
