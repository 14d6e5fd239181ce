// Every string the renderer shows, one i18next namespace per domain, registered here.
//
// Convention for a namespace `foo` (components then call `t('foo:some.key')`, type-checked):
// - `en/foo.ts`: `export const foo = { ... } as const;` English is the source: its keys are the keys, and its
//   values are what i18next's types read interpolation variables from.
// - `ja/foo.ts`: `export const foo = { ... } satisfies Translation<typeof en>;` with
//   `import type { foo as en } from '../en/foo.js'`: the same keys, or it does not compile.
// - Register both below, under `foo` in `en` and in `ja`.
// - Values are plain strings. Values interpolate `{{name}}` (React escapes, so no `{{- name}}`); numbers that
//   need grouping use `{{count, number}}`. A count that changes the English words uses i18next plurals:
//   `key_one` / `key_other` in English, `key_other` alone in Japanese, called as `t('foo:key', { count })`.
//   A choice between sentences is two keys, not a condition inside one.
// - Dates, sizes, durations and percentages are formatted by `useFormat()` (../i18n/format.ts) and passed in
//   already formatted.
// - Japanese: です/ます for sentences, noun phrases for buttons and labels; the terms used so far are
//   バックアップ, 復元, 復元ポイント, リポジトリ, クラスター, ホスト, VM, ジョブ.
// - Tests (../i18n/locales.test.ts) check that every Japanese string is non-empty and uses the same
//   interpolation variables as its English one.
import { common as enCommon } from './en/common.js';
import { errors as enErrors } from './en/errors.js';
import { connection as enConnection } from './en/connection.js';
import { clusters as enClusters } from './en/clusters.js';
import { clusterSettings as enClusterSettings } from './en/clusterSettings.js';
import { addCluster as enAddCluster } from './en/addCluster.js';
import { jobs as enJobs } from './en/jobs.js';
import { points as enPoints } from './en/points.js';
import { restore as enRestore } from './en/restore.js';
import { settings as enSettings } from './en/settings.js';
import { onboarding as enOnboarding } from './en/onboarding.js';
import { dashboard as enDashboard } from './en/dashboard.js';
import { common as jaCommon } from './ja/common.js';
import { errors as jaErrors } from './ja/errors.js';
import { connection as jaConnection } from './ja/connection.js';
import { clusters as jaClusters } from './ja/clusters.js';
import { clusterSettings as jaClusterSettings } from './ja/clusterSettings.js';
import { addCluster as jaAddCluster } from './ja/addCluster.js';
import { jobs as jaJobs } from './ja/jobs.js';
import { points as jaPoints } from './ja/points.js';
import { restore as jaRestore } from './ja/restore.js';
import { settings as jaSettings } from './ja/settings.js';
import { onboarding as jaOnboarding } from './ja/onboarding.js';
import { dashboard as jaDashboard } from './ja/dashboard.js';
import type { Translation } from './types.js';

export const en = {
  common: enCommon,
  errors: enErrors,
  connection: enConnection,
  clusters: enClusters,
  clusterSettings: enClusterSettings,
  addCluster: enAddCluster,
  jobs: enJobs,
  points: enPoints,
  restore: enRestore,
  settings: enSettings,
  onboarding: enOnboarding,
  dashboard: enDashboard,
} as const;

export type EnglishResources = typeof en;
export type Namespace = keyof EnglishResources;

export const ja = {
  common: jaCommon,
  errors: jaErrors,
  connection: jaConnection,
  clusters: jaClusters,
  clusterSettings: jaClusterSettings,
  addCluster: jaAddCluster,
  jobs: jaJobs,
  points: jaPoints,
  restore: jaRestore,
  settings: jaSettings,
  onboarding: jaOnboarding,
  dashboard: jaDashboard,
} satisfies { [N in Namespace]: Translation<EnglishResources[N]> };

export const resources = { en, ja } as const;

export const NAMESPACES = Object.keys(en) as Namespace[];
