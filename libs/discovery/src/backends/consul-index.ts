/**
 * The index to send with the next blocking query, following Consul's rules for blocking clients:
 * an index that went backwards (snapshot restore, a registry that restarted) resets the loop to 0 so
 * the next read returns at once with fresh state; otherwise the index is at least 1, because a
 * blocking read with index 0 returns immediately and would turn the loop into a busy loop.
 */
export function nextBlockingIndex(previous: number, returned: number | undefined): number {
  // A missing, malformed or negative index says nothing; read it as 0.
  const index = returned !== undefined && Number.isSafeInteger(returned) && returned > 0 ? returned : 0;
  if (index < previous) return 0;
  return Math.max(index, 1);
}
