import { z } from 'zod';

export const THEMES = ['system', 'light', 'dark'] as const;
export const LANGUAGES = ['system', 'en', 'ja'] as const;

export const settingsSchema = z.object({
  /** `system` follows the OS light/dark preference. */
  theme: z.enum(THEMES),
  /** `system` follows the OS language. */
  language: z.enum(LANGUAGES),
});
export type Settings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = { theme: 'system', language: 'system' };

export const settingsPatchSchema = settingsSchema.partial().strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
