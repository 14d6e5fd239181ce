// The app's IPC contract: every method and event topic between the renderer and the engine is declared here, once.
// Nowhere else names a method or a channel; the router and the client take their types from this object.
import { z } from 'zod';
import { defineContract, defineMethod, defineTopic } from './contract-kit.js';
import { appInfoSchema } from '../model/app-info.js';
import {
  clusterIdSchema,
  clusterNameSchema,
  clusterSchema,
  clusterSummarySchema,
  hostInputSchema,
  hostSpecSchema,
  hostTestResultSchema,
} from '../model/cluster.js';
import { clusterInventorySchema } from '../model/inventory.js';
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
    'clusters.get': defineMethod({
      summary: 'One cluster with its hosts (connection specs; never secrets).',
      params: z.object({ id: clusterIdSchema }).strict(),
      result: clusterSchema,
    }),
    'clusters.add': defineMethod({
      summary: 'Adds a cluster. SSH hosts need their host key fingerprint, confirmed by the user after clusters.testHost.',
      params: z.object({ name: clusterNameSchema, hosts: z.array(hostInputSchema).min(1).max(64) }).strict(),
      result: clusterSchema,
    }),
    'clusters.update': defineMethod({
      summary: 'Renames a cluster and/or replaces its host list (hosts keep their id, and their secret unless a new one is given).',
      params: z
        .object({ id: clusterIdSchema, name: clusterNameSchema.optional(), hosts: z.array(hostInputSchema).min(1).max(64).optional() })
        .strict(),
      result: clusterSchema,
    }),
    'clusters.remove': defineMethod({
      summary: 'Forgets a cluster and its hosts\' secrets. Restore points in repositories are not touched.',
      params: z.object({ id: clusterIdSchema }).strict(),
      result: z.null(),
    }),
    'clusters.testHost': defineMethod({
      summary: 'Connects to one host as specified and reports what it found, or the SSH host key to confirm.',
      params: z.object({ spec: hostSpecSchema, secret: z.string().min(1).max(4096).optional() }).strict(),
      result: hostTestResultSchema,
    }),
    'inventory.get': defineMethod({
      summary: "A cluster's hosts and VMs, merged by VM identity; `refresh` re-lists every host first.",
      params: z.object({ clusterId: clusterIdSchema, refresh: z.boolean().default(false) }).strict(),
      result: clusterInventorySchema,
    }),
    'jobs.list': defineMethod({
      summary: 'Jobs, newest first.',
      params: z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(),
      result: z.array(jobSummarySchema),
    }),
  },
  topics: {
    'clusters.changed': defineTopic({
      summary: 'The cluster list after a cluster was added, changed or removed.',
      filter: z.object({}).strict(),
      payload: z.object({ clusters: z.array(clusterSummarySchema) }),
      matches: () => true,
    }),
    'inventory.changed': defineTopic({
      summary: "A cluster's inventory whenever a host or VM changes; a new subscriber gets the current one at once.",
      filter: z.object({ clusterId: clusterIdSchema }).strict(),
      payload: clusterInventorySchema,
      matches: (filter, payload) => filter.clusterId === payload.clusterId,
    }),
    'settings.changed': defineTopic({
      summary: 'The settings after a change, from any window or client.',
      filter: z.object({}).strict(),
      payload: settingsSchema,
      matches: () => true,
    }),
  },
});

export type AppContract = typeof appContract;
