/** `yyyyMMddHHmmss` in UTC, the vendor's 14-digit task time stamp. */
export function stamp14(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, "").slice(0, 14);
}
