import { isIPv6 } from 'node:net';

/**
 * `http://host:port` for an address as registries hand it out: an IPv6 literal must be bracketed
 * in a URL (`http://[::1]:3000`), or the port would read as part of the address.
 */
export function httpOrigin(host: string, port: number, scheme: 'http' | 'https' = 'http'): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return `${scheme}://${isIPv6(bare) ? `[${bare}]` : bare}:${port}`;
}
