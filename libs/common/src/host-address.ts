import { isIP } from 'node:net';

/** RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens, 253 characters at most. */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

/**
 * Whether `text` is an address an instance may be reached at: an IPv4 or IPv6 address (without
 * brackets) or a host name. Nothing else: no `user@host`, no port, no path, no scheme, so that an
 * address read from a registry can only ever become the host part of a URL.
 */
export function isHostAddress(text: string): boolean {
  return isIP(text) !== 0 || HOST_NAME.test(text);
}
