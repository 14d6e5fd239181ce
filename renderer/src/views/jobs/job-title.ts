// A job's title in the shown language, put together from what the engine says the job is about (its subject).
// Every place that names a job takes its title from here. A job stored before subjects existed has none, and shows
// the engine's own (English) title.
import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobSummary } from '../../../../shared/model/job.js';
import { useFormat, type Formatters } from '../../i18n/format.js';

/** A list of VM names longer than this names one fewer and ends with how many more (`a, b, and 3 more`). */
export const MAX_LISTED_VMS = 3;

/** What a title is made from: a summary and a progress snapshot both have it. */
export type TitledJob = Pick<JobSummary, 'title' | 'subject'>;

/** VM names as a list in the shown language, capped at MAX_LISTED_VMS entries. */
export function vmNamesText(t: TFunction<['jobs']>, f: Pick<Formatters, 'list'>, names: readonly string[]): string {
  if (names.length <= MAX_LISTED_VMS) return f.list(names);
  const named = names.slice(0, MAX_LISTED_VMS - 1);
  return f.list([...named, t('jobs:titles.moreVms', { more: names.length - named.length })]);
}

export function jobTitleText(t: TFunction<['jobs']>, f: Pick<Formatters, 'list'>, job: TitledJob): string {
  const subject = job.subject;
  // Results are not parsed on the way in (only event payloads are), so an absent subject counts as none.
  if (!subject) return job.title;
  switch (subject.kind) {
    case 'cluster':
      return t('jobs:titles.cluster', { cluster: subject.clusterName });
    case 'vms':
      return t('jobs:titles.vms', { vms: vmNamesText(t, f, subject.vmNames), cluster: subject.clusterName });
    case 'restore':
      return subject.asName === null
        ? t('jobs:titles.restoreReplacing', { vm: subject.vmName, host: subject.host })
        : t('jobs:titles.restoreAsCopy', { vm: subject.vmName, host: subject.host, name: subject.asName });
    case 'prune':
      return t('jobs:titles.prune');
    case 'verify':
      return t('jobs:titles.verify');
  }
}

/** `jobTitleText` in the shown language; a new function when the language changes. */
export function useJobTitle(): (job: TitledJob) => string {
  const { t } = useTranslation(['jobs']);
  const f = useFormat();
  return useCallback((job: TitledJob) => jobTitleText(t, f, job), [t, f]);
}
