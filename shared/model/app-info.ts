import { z } from 'zod';

export const APP_MODES = ['desktop', 'headless'] as const;

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** `desktop`: the Electron app; `headless`: `lifeboat serve` with the WebSocket transport. */
  mode: z.enum(APP_MODES),
  dataDir: z.string(),
  catalogSchemaVersion: z.number().int().nonnegative(),
  startedAt: z.string(),
});
export type AppInfo = z.infer<typeof appInfoSchema>;
