// First run: whether the onboarding (choose a repository, add a first cluster) still has to be shown.
import { z } from 'zod';

export const onboardingStatusSchema = z.object({
  repositoryConfigured: z.boolean(),
  /** The configured repository, or null. */
  repositoryPath: z.string().nullable(),
  clusterCount: z.number().int().nonnegative(),
  /**
   * The onboarding is done: finished (or its cluster step skipped) with `onboarding.complete`, or an install that
   * already has a repository and a cluster.
   */
  completed: z.boolean(),
  /** Where the engine proposes to create the repository (`<documents or home>/Lifeboat Backups`), when it knows. */
  proposedRepositoryPath: z.string().nullable(),
  /**
   * A development lab on this machine (`npm run lab:up`), which the cluster step offers to add in one step; null
   * when there is none (the usual case).
   */
  lab: z.object({ hostCount: z.number().int().nonnegative() }).nullable(),
});
export type OnboardingStatus = z.infer<typeof onboardingStatusSchema>;
