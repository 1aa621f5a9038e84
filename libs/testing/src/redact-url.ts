const CONNECT_STRING = /^[\w.-]+:\d+(,[\w.-]+:\d+)*(\/[\w./-]*)?$/;

/** The URL with any password replaced, fit for a log line. */
export function redactUrl(url: string): string {
  // A ZooKeeper connect string ("host:port,host:port/chroot") has no place for a password.
  if (CONNECT_STRING.test(url)) return url;
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable URL>';
  }
}
