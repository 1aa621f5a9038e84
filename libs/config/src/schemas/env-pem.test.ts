import { envPem } from './env-pem';

describe('envPem', () => {
  it('accepts a PEM document as it is', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(envPem().parse(pem)).toBe(pem);
  });

  it('refuses a file name given where the content belongs, saying what it expected', () => {
    expect(envPem().safeParse('/etc/consul/ca.pem').error?.issues[0].message).toBe(
      'expected a PEM document (-----BEGIN ...)',
    );
  });
});
