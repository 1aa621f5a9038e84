import { envUrl } from './env-url';

describe('envUrl', () => {
  it('accepts absolute URLs and keeps the string as given', () => {
    expect(envUrl().parse('redis://127.0.0.1:6379/0')).toBe('redis://127.0.0.1:6379/0');
  });

  it('rejects relative or malformed URLs', () => {
    expect(envUrl().safeParse('/relative').error?.issues[0].message).toBe('expected an absolute URL');
    expect(envUrl().safeParse('not a url').success).toBe(false);
  });

  it('restricts protocols when asked', () => {
    const schema = envUrl({ protocols: ['http:', 'https:'] });
    expect(schema.parse('https://consul.internal:8501')).toBe('https://consul.internal:8501');
    expect(schema.safeParse('ftp://example.test').error?.issues[0].message).toBe(
      'expected a URL starting with http: or https://',
    );
  });

  it('applies its default when missing', () => {
    expect(envUrl({ default: 'http://127.0.0.1:8500' }).parse(undefined)).toBe('http://127.0.0.1:8500');
  });
});
