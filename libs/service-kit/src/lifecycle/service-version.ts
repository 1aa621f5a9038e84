/**
 * The release track an instance belongs to, as Istio's `version` pod label names it: `v1` unless
 * SERVICE_VERSION says otherwise (`v2` for a canary). It is registered both as a tag (so Consul's
 * `<tag>.<service>.service.consul` and tag filters find one track) and as `meta.version` (which
 * the gateway's version-aware routing reads), so the two never disagree.
 */
export const DEFAULT_SERVICE_VERSION = 'v1';

export function serviceVersion(configured: string | undefined): string {
  return configured || DEFAULT_SERVICE_VERSION;
}
