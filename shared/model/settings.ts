import { z } from 'zod';

export const THEMES = ['system', 'light', 'dark'] as const;
export const LANGUAGES = ['system', 'en', 'ja'] as const;

/**
 * How many VM backups run at once: in all, on one host (its disks and network are shared by its VMs), and in one
 * cluster. A job never starts more than all three allow.
 */
export const concurrencySchema = z
  .object({
    global: z.number().int().min(1).max(32),
    perHost: z.number().int().min(1).max(16),
    perCluster: z.number().int().min(1).max(32),
  })
  .strict();
export type Concurrency = z.infer<typeof concurrencySchema>;

export const settingsSchema = z.object({
  /** `system` follows the OS light/dark preference. */
  theme: z.enum(THEMES),
  /** `system` follows the OS language. */
  language: z.enum(LANGUAGES),
  concurrency: concurrencySchema,
  /** A desktop notification when a job ends (a log line in headless mode). */
  notifyOnJobEnd: z.boolean(),
  /** Closing the window keeps Lifeboat running in the tray so schedules still run. */
  keepRunningInTray: z.boolean(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  language: 'system',
  concurrency: { global: 4, perHost: 2, perCluster: 4 },
  notifyOnJobEnd: true,
  keepRunningInTray: false,
};

export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
