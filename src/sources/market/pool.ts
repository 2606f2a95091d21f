/**
 * Runs `task` over `items` with at most `concurrency` in flight (cache reads for hundreds of
 * symbols should not open hundreds of files at once). Resolves when all are done; a rejection
 * rejects the whole call after the in-flight tasks settle.
 */
export async function forEachWithConcurrency<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
