// Restore points grouped by cluster, then VM (one table per VM, newest point first): when each was taken, full or
// incremental (and why full), what it added to the repository, which host it was read from, and "Restore…", which
// opens the restore wizard with the point chosen.
import { useId, type ReactNode } from 'react';
import type { PointSummary } from '../../../../shared/model/point.js';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format.js';
import { hashFor, restoreRoute } from '../../stores/navigation-store.js';
import type { ClusterPoints, VmPoints } from '../../stores/points-store.js';

function PointRow(props: { point: PointSummary; vmName: string }): ReactNode {
  const { t } = useTranslation(['points', 'restore']);
  const f = useFormat();
  const { point } = props;
  return (
    <tr>
      <th scope="row" className="nowrap">
        <time dateTime={point.createdAt}>{f.dateTime(point.createdAt)}</time>
      </th>
      <td>
        <span className={`point-type point-type-${point.type}`}>{t(`points:types.${point.type}`)}</span>
        {point.type === 'full' && point.fullReason ? <span className="point-reason">{point.fullReason}</span> : null}
      </td>
      <td className="numeric">{f.bytes(point.bytesAdded)}</td>
      <td className="host-cell">{point.sourceHostLabel}</td>
      <td>
        <ul className="disk-list">
          {point.disks.map((disk) => (
            <li key={disk.target}>{t('points:disk', { target: disk.target, capacity: f.bytes(disk.capacityBytes) })}</li>
          ))}
        </ul>
      </td>
      <td>
        <a
          className="button button-small"
          href={hashFor(restoreRoute(point.id))}
          aria-label={t('restore:restorePointLabel', { vm: props.vmName, when: f.dateTime(point.createdAt) })}
        >
          {t('restore:restorePoint')}
        </a>
      </td>
    </tr>
  );
}

function VmPointsTable(props: { vm: VmPoints }): ReactNode {
  const { t } = useTranslation(['points', 'restore']);
  const { vm } = props;
  const headingId = useId();
  return (
    <div className="vm-points">
      <h3 id={headingId} className="vm-points-heading">
        <span className="vm-name">{vm.vmName}</span>
        <span className="muted">{t('points:pointCount', { count: vm.points.length })}</span>
      </h3>
      <div className="table-scroll" tabIndex={0} role="group" aria-labelledby={headingId}>
        <table className="data-table compact point-table">
          <caption className="visually-hidden">{t('points:caption', { vm: vm.vmName })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('points:columnTaken')}</th>
              <th scope="col">{t('points:columnType')}</th>
              <th scope="col" className="numeric">
                {t('points:columnAdded')}
              </th>
              <th scope="col">{t('points:columnHost')}</th>
              <th scope="col">{t('points:columnDisks')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('restore:columnActions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {vm.points.map((point) => (
              <PointRow key={point.id} point={point} vmName={vm.vmName} />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

export function ClusterPointsSection(props: { group: ClusterPoints; catalogKnown: boolean }): ReactNode {
  const { t } = useTranslation(['points', 'restore']);
  const { group } = props;
  const headingId = useId();
  return (
    <section className="panel cluster-points" aria-labelledby={headingId}>
      <h2 id={headingId}>{group.clusterName ?? t('points:unknownCluster')}</h2>
      <p className="muted cluster-facts selectable">
        {group.clusterName === null
          ? t('points:unknownClusterFacts', { vms: t('points:vmCount', { count: group.vms.length }), clusterId: group.clusterId })
          : t('points:vmCount', { count: group.vms.length })}
      </p>
      {props.catalogKnown && !group.inCatalog ? <p className="muted">{t('points:notInCatalog')}</p> : null}
      {group.vms.map((vm) => (
        <VmPointsTable key={vm.vmUuid} vm={vm} />
      ))}
    </section>
  );
}
