// The app's IPC contract: every method and event topic between the renderer and the engine is declared here, once.
// Nowhere else names a method or a channel; the router and the client take their types from this object.
import { z } from 'zod';
import { defineContract, defineMethod, defineTopic } from './contract-kit.js';
import { appInfoSchema } from '../model/app-info.js';
import { clusterSummarySchema } from '../model/cluster.js';
import { jobSummarySchema } from '../model/job.js';
import { settingsPatchSchema, settingsSchema } from '../model/settings.js';

const noParams = z.object({}).strict();

export const appContract = defineContract({
  methods: {
    'app.getInfo': defineMethod({
      summary: 'Version, mode (desktop or headless), data folder and catalog schema version.',
      params: noParams,
      result: appInfoSchema,
    }),
    'settings.get': defineMethod({
      summary: 'The user settings (theme, language).',
      params: noParams,
      result: settingsSchema,
    }),
    'settings.update': defineMethod({
      summary: 'Changes some settings; returns all of them. Emits `settings.changed`.',
      params: settingsPatchSchema,
      result: settingsSchema,
    }),
    'clusters.list': defineMethod({
      summary: 'The clusters known to the catalog.',
      params: noParams,
      result: z.array(clusterSummarySchema),
    }),
    'jobs.list': defineMethod({
      summary: 'Jobs, newest first.',
      params: z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(),
      result: z.array(jobSummarySchema),
    }),
  },
  topics: {
    'settings.changed': defineTopic({
      summary: 'The settings after a change, from any window or client.',
      filter: z.object({}).strict(),
      payload: settingsSchema,
      matches: () => true,
    }),
  },
});

export type AppContract = typeof appContract;
