// Retention: how many restore points of a VM to keep, restic `forget` style. Each rule keeps points on its
// own; a point is kept when any rule (or being the VM's newest) keeps it, and deleted only when none does.
import { z } from 'zod';

/** Upper bound of every count: far beyond any sane policy, low enough that a typo (1e9) is caught. */
export const RETENTION_COUNT_MAX = 1000;

const keepCount = z.int().min(0).max(RETENTION_COUNT_MAX);

export const retentionPolicySchema = z
  .object({
    /** The N newest points, whatever their dates. */
    keepLast: keepCount,
    /** The newest point of each of the N most recent calendar days that have points. */
    keepDaily: keepCount,
    /** The newest point of each of the N most recent ISO weeks (Monday to Sunday) that have points. */
    keepWeekly: keepCount,
    /** The newest point of each of the N most recent calendar months that have points. */
    keepMonthly: keepCount,
  })
  .strict()
  .refine((p) => p.keepLast > 0 || p.keepDaily > 0 || p.keepWeekly > 0 || p.keepMonthly > 0, {
    message: 'a retention policy must keep something: set at least one of keepLast, keepDaily, keepWeekly or keepMonthly above 0',
  });
export type RetentionPolicy = z.infer<typeof retentionPolicySchema>;

/** A week of dailies, two weeks of days, two months of weeks, a year of months. */
export const DEFAULT_RETENTION_POLICY: RetentionPolicy = Object.freeze({ keepLast: 7, keepDaily: 14, keepWeekly: 8, keepMonthly: 12 });

/** Why a point is kept: one entry per rule that keeps it. 'newest' is the VM's newest point, always kept. */
export const retentionReasonSchema = z.enum(['last', 'daily', 'weekly', 'monthly', 'newest']);
export type RetentionReason = z.infer<typeof retentionReasonSchema>;

export const retentionDecisionSchema = z.object({
  // guid, not uuid: a libvirt domain UUID can be set by hand and need not carry RFC 4122 version bits.
  pointId: z.guid(),
  vmUuid: z.guid(),
  /** ISO 8601 UTC, as in the manifest. */
  createdAt: z.string(),
  /** False: the policy lets this point be pruned. */
  keep: z.boolean(),
  /** Empty exactly when `keep` is false. */
  reasons: z.array(retentionReasonSchema),
});
export type RetentionDecision = z.infer<typeof retentionDecisionSchema>;
