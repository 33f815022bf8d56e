/** Daily quotas per app and endpoint, per UTC day (sections 1.3 and 1.7 of the contract). */
import type { DatabaseSync } from "node:sqlite";
import { quotaExhausted } from "./errors.ts";

export type Plan = "test" | "production" | "unlimited";
export type EndpointClass = "read" | "write";

export interface QuotaLimits {
  writes: number;
  reads: number;
}

export const PLAN_LIMITS: Record<Plan, QuotaLimits> = {
  test: { writes: 500, reads: 10_000 },
  production: { writes: 100_000, reads: 1_000_000 },
  unlimited: { writes: Number.POSITIVE_INFINITY, reads: Number.POSITIVE_INFINITY },
};

const DAY_MS = 24 * 60 * 60 * 1000;

export function secondsUntilUtcMidnight(nowMs: number): number {
  return Math.max(1, Math.ceil((DAY_MS - (nowMs % DAY_MS)) / 1000));
}

export class QuotaBook {
  private readonly db: DatabaseSync;
  private readonly limits: QuotaLimits;
  private readonly now: () => number;

  constructor(db: DatabaseSync, limits: QuotaLimits, now: () => number) {
    this.db = db;
    this.limits = limits;
    this.now = now;
  }

  private day(): string {
    return new Date(this.now()).toISOString().slice(0, 10);
  }

  /** Counts one call, or throws 42900 when the day's quota of this endpoint is used up. */
  charge(appId: string, endpoint: string, kind: EndpointClass): void {
    const limit = kind === "write" ? this.limits.writes : this.limits.reads;
    const day = this.day();
    const row = this.db
      .prepare("SELECT used FROM quota_usage WHERE app_id = ? AND endpoint = ? AND day = ?")
      .get(appId, endpoint, day) as { used: number } | undefined;
    const used = row?.used ?? 0;
    if (used >= limit) {
      throw quotaExhausted(
        `the daily quota of ${limit} ${kind}s for ${endpoint} is used up`,
        secondsUntilUtcMidnight(this.now()),
      );
    }
    this.db
      .prepare(
        `INSERT INTO quota_usage (app_id, endpoint, day, used) VALUES (?, ?, ?, 1)
         ON CONFLICT (app_id, endpoint, day) DO UPDATE SET used = used + 1`,
      )
      .run(appId, endpoint, day);
  }

  /** Takes back a call that turned out to be refused for its signature. */
  refund(appId: string, endpoint: string): void {
    this.db
      .prepare("UPDATE quota_usage SET used = max(0, used - 1) WHERE app_id = ? AND endpoint = ? AND day = ?")
      .run(appId, endpoint, this.day());
  }
}
