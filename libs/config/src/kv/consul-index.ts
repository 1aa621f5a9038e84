/**
 * The X-Consul-Index to send with the next blocking read, per Consul's rules for blocking clients:
 * an index that went backwards (the server restarted or restored a snapshot) starts over at 0, which
 * answers at once with fresh state; otherwise it is at least 1, because index 0 never blocks and
 * would turn the loop into a busy poll. A missing or malformed header counts as 0.
 */
export function nextConsulIndex(previous: number, header: string | null | undefined): number {
  const returned = header ? Number(header) : 0;
  const index = Number.isSafeInteger(returned) && returned > 0 ? returned : 0;
  if (index < previous) return 0;
  return Math.max(index, 1);
}
