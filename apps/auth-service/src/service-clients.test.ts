import { ServiceClients, basicCredentials, serviceClientsSchema } from './service-clients';

const secret = 'order-service-secret-0123456789abcdef';

describe('ServiceClients', () => {
  it('accepts the right secret of a known client only', () => {
    const clients = new ServiceClients({ 'order-service': secret });
    expect(clients.verify('order-service', secret)).toBe(true);
    expect(clients.verify('order-service', `${secret}x`)).toBe(false);
    expect(clients.verify('product-service', secret)).toBe(false);
    expect(new ServiceClients().verify('order-service', secret)).toBe(false);
  });

  it('accepts each of several secrets while one is being rotated', () => {
    const next = 'order-service-next-secret-0123456789abc';
    const clients = new ServiceClients({ 'order-service': [next, secret] });
    expect(clients.verify('order-service', next)).toBe(true);
    expect(clients.verify('order-service', secret)).toBe(true);
    expect(clients.verify('order-service', 'order-service-retired-secret-0123456789')).toBe(false);
  });
});

describe('basicCredentials', () => {
  const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

  it('reads form-encoded id and secret, a colon in the secret included', () => {
    expect(basicCredentials(basic('order-service:a%3Ab c'))).toEqual({ clientId: 'order-service', secret: 'a:b c' });
    expect(basicCredentials(basic('order-service:x:y'))).toEqual({ clientId: 'order-service', secret: 'x:y' });
  });

  it.each([undefined, 'Bearer abc', 'Basic !!!', basic('no-colon'), basic(':secret-without-id'), basic('a:%E0%A4%A')])(
    'gives nothing for %s',
    (header) => {
      expect(basicCredentials(header)).toBeUndefined();
    },
  );
});

describe('serviceClientsSchema', () => {
  it('takes a JSON object of service name to a long secret', () => {
    expect(serviceClientsSchema.parse(JSON.stringify({ 'order-service': secret }))).toEqual({
      'order-service': secret,
    });
  });

  it.each([
    ['not JSON', 'order-service=secret'],
    ['a short secret', JSON.stringify({ 'order-service': 'short' })],
    ['an empty list', JSON.stringify({ 'order-service': [] })],
    ['a name that is no service name', JSON.stringify({ 'Order Service': secret })],
  ])('refuses %s', (_label, text) => {
    expect(serviceClientsSchema.safeParse(text).success).toBe(false);
  });
});
