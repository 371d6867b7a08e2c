/** The bench's no-op workflow: one workflow task, no activity, no timer. Measures the Temporal server's ceiling. */
export function noop(): Promise<void> {
  return Promise.resolve();
}
