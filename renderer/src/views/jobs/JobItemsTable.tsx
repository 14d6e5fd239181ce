// The VMs of a job, one row each (keyed by the item's key, so a row stays put as its VM moves through phases):
// where it runs, its state and phase (in a backup's words or a restore's), its progress with a bar per disk, its
// error, and what it produced: a backup's restore point, or a restored VM (its name and host, whether it runs or
// why it did not start, its volumes and warnings).
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobItem, JobKind, JobProgress } from '../../../../shared/model/job.js';
import type { RestoreItemResult } from '../../../../shared/model/restore.js';
import { WarningIcon } from '../../components/Icons.js';
import { useFormat } from '../../i18n/format.js';
import { isKeyOf } from '../../i18n/index.js';
import { en } from '../../locales/index.js';
import { storedRestoreWarningText } from '../restore/restore-warning.js';
import { JobProgressBar, workStatusOf } from './JobProgressBar.js';
import { JobItemStateBadge } from './JobStateBadge.js';
import { useJobTitle } from './job-title.js';

function ItemProgress(props: { item: JobItem }): ReactNode {
  const { t } = useTranslation(['jobs']);
  const f = useFormat();
  const { item } = props;
  if (item.state === 'queued' || (item.bytesTotal === 0 && item.disks.length === 0)) {
    return <span className="muted">{t('jobs:items.noResult')}</span>;
  }
  const status = workStatusOf(item.state);
  // A disk read to its end is done even while its VM writes the restore point.
  const diskStatus = status === 'done' ? 'done' : undefined;
  return (
    <div className="item-progress">
      <JobProgressBar
        label={t('jobs:items.progressLabel', { vm: item.name })}
        bytesDone={item.bytesDone}
        bytesTotal={item.bytesTotal}
        status={status}
        size="small"
      />
      {item.disks.length > 0 ? (
        <ul className="disk-progress">
          {item.disks.map((disk) => (
            <li key={disk.target}>
              <span className="disk-progress-text">
                {t('jobs:items.disk', { disk: disk.target, done: f.bytes(disk.bytesDone), total: f.bytes(disk.bytesTotal) })}
              </span>
              <JobProgressBar
                label={t('jobs:items.diskLabel', { vm: item.name, disk: disk.target })}
                bytesDone={disk.bytesDone}
                bytesTotal={disk.bytesTotal}
                status={diskStatus}
                size="small"
              />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** What an item is doing now, in the words of its job's kind; a phase without words is shown as the engine says it. */
export function itemPhaseText(t: TFunction<['jobs', 'restore']>, kind: JobKind, phase: string): string {
  // A restore's phases are worded once, by the restore wizard's namespace.
  if (kind === 'restore') return isKeyOf(en.restore.progress.phases, phase) ? t(`restore:progress.phases.${phase}`) : phase;
  return isKeyOf(en.jobs.items.phases, phase) ? t(`jobs:items.phases.${phase}`) : phase;
}

function RestoreResult(props: { result: RestoreItemResult }): ReactNode {
  const { t } = useTranslation(['jobs']);
  const { t: tRestore } = useTranslation(['restore']);
  const f = useFormat();
  const { result } = props;
  return (
    <div className="item-result">
      <span className="item-result-type selectable">{result.replaced
          ? t('jobs:items.restoredAsReplace', { vm: result.vmName, host: result.host })
          : t('jobs:items.restoredAsCopy', { vm: result.vmName, host: result.host })}</span>
      {result.started ? (
        <span>{t('jobs:items.restoredRunning')}</span>
      ) : result.startError !== null ? (
        <span className="item-result-reason">
          {t('jobs:items.restoredNotStarted')} <span className="selectable">{result.startError}</span>
        </span>
      ) : (
        <span>{t('jobs:items.restoredShutOff')}</span>
      )}
      {result.volumes.length > 0 ? <span className="muted selectable">{t('jobs:items.volumes', { volumes: f.list(result.volumes) })}</span> : null}
      {result.warnings.length > 0 ? (
        <ul className="plan-warnings" aria-label={t('jobs:items.warnings', { count: result.warnings.length })}>
          {result.warnings.map((warning, index) => (
            <li key={`${index}:${typeof warning === 'string' ? warning : warning.code}`}>
              <WarningIcon />
              <span className="selectable">{storedRestoreWarningText(tRestore, warning)}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function ItemResult(props: { item: JobItem }): ReactNode {
  const { t } = useTranslation(['jobs']);
  const f = useFormat();
  if (props.item.restoreResult !== null) return <RestoreResult result={props.item.restoreResult} />;
  const result = props.item.result;
  if (result === null) return <span className="muted">{t('jobs:items.noResult')}</span>;
  return (
    <div className="item-result">
      <span className="item-result-type">{t(`jobs:items.resultTypes.${result.type}`)}</span>
      {result.type === 'full' && result.fullReason ? <span className="item-result-reason">{t('jobs:items.fullBecause', { reason: result.fullReason })}</span> : null}
      <span className="muted">{t('jobs:items.added', { bytes: f.bytes(result.bytesAdded) })}</span>
    </div>
  );
}

function ItemRow(props: { item: JobItem; kind: JobKind }): ReactNode {
  const { t } = useTranslation(['jobs', 'restore']);
  const { item } = props;
  const phase = item.state === 'running' && item.phase !== null ? itemPhaseText(t, props.kind, item.phase) : null;
  return (
    <tr>
      <th scope="row">
        <span className="vm-name">{item.name}</span>
        {item.error ? (
          <p className="item-error">
            <WarningIcon />
            <span>
              <span className="visually-hidden">{t('jobs:items.error')}: </span>
              <span className="selectable">{item.error.message}</span>
            </span>
          </p>
        ) : null}
      </th>
      <td className="host-cell">{item.hostLabel ?? <span className="muted">{t('jobs:items.hostNotYet')}</span>}</td>
      <td>
        <JobItemStateBadge state={item.state} />
        {phase ? <span className="item-phase muted">{phase}</span> : null}
      </td>
      <td className="item-progress-cell">
        <ItemProgress item={item} />
      </td>
      <td>
        <ItemResult item={item} />
      </td>
    </tr>
  );
}

/** Whether a job is made of VMs (backups and restores are; verify and prune work on the repository as a whole). */
export function hasItems(progress: JobProgress): boolean {
  return progress.kind === 'backup' || progress.kind === 'restore';
}

export function JobItemsTable(props: { progress: JobProgress }): ReactNode {
  const { t } = useTranslation(['jobs']);
  const title = useJobTitle()(props.progress);
  if (props.progress.items.length === 0) return hasItems(props.progress) ? <p className="muted">{t('jobs:items.none')}</p> : null;
  return (
    <div className="table-scroll" tabIndex={0} role="group" aria-label={t('jobs:items.caption', { title })}>
      <table className="data-table compact job-items">
        <caption className="visually-hidden">{t('jobs:items.caption', { title })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('jobs:items.columnVm')}</th>
            <th scope="col">{t('jobs:items.columnHost')}</th>
            <th scope="col">{t('jobs:items.columnState')}</th>
            <th scope="col">{t('jobs:items.columnProgress')}</th>
            <th scope="col">{t('jobs:items.columnResult')}</th>
          </tr>
        </thead>
        <tbody>
          {props.progress.items.map((item) => (
            <ItemRow key={item.key} item={item} kind={props.progress.kind} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
