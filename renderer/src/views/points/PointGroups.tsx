// Restore points grouped by cluster, then VM (one table per VM, newest point first): when each was taken, full or
// incremental (and why full), what it added to the repository, which host it was read from, and "Restore…", which
// opens the restore wizard with the point chosen.
import { useId, type ReactNode } from 'react';
import type { PointSummary } from '../../../../shared/model/point.js';
import { useMessages } from '../../messages.js';
import { hashFor, restoreRoute } from '../../stores/navigation-store.js';
import type { ClusterPoints, VmPoints } from '../../stores/points-store.js';

function PointRow(props: { point: PointSummary; vmName: string }): ReactNode {
  const m = useMessages();
  const r = m.restorePoints;
  const w = m.restoreWizard;
  const { point } = props;
  return (
    <tr>
      <th scope="row" className="nowrap">
        <time dateTime={point.createdAt}>{m.formatDateTime(point.createdAt)}</time>
      </th>
      <td>
        <span className={`point-type point-type-${point.type}`}>{r.types[point.type]}</span>
        {point.type === 'full' && point.fullReason ? <span className="point-reason">{point.fullReason}</span> : null}
      </td>
      <td className="numeric">{m.formatBytes(point.bytesAdded)}</td>
      <td className="host-cell">{point.sourceHostLabel}</td>
      <td>
        <ul className="disk-list">
          {point.disks.map((disk) => (
            <li key={disk.target}>{r.disk(disk.target, m.formatBytes(disk.capacityBytes))}</li>
          ))}
        </ul>
      </td>
      <td>
        <a
          className="button button-small"
          href={hashFor(restoreRoute(point.id))}
          aria-label={w.restorePointLabel(props.vmName, m.formatDateTime(point.createdAt))}
        >
          {w.restorePoint}
        </a>
      </td>
    </tr>
  );
}

function VmPointsTable(props: { vm: VmPoints }): ReactNode {
  const m = useMessages();
  const r = m.restorePoints;
  const { vm } = props;
  const headingId = useId();
  return (
    <div className="vm-points">
      <h3 id={headingId} className="vm-points-heading">
        <span className="vm-name">{vm.vmName}</span>
        <span className="muted">{r.vmPointCount(vm.points.length)}</span>
      </h3>
      <div className="table-scroll" tabIndex={0} role="group" aria-labelledby={headingId}>
        <table className="data-table compact point-table">
          <caption className="visually-hidden">{r.caption(vm.vmName)}</caption>
          <thead>
            <tr>
              <th scope="col">{r.columnTaken}</th>
              <th scope="col">{r.columnType}</th>
              <th scope="col" className="numeric">
                {r.columnAdded}
              </th>
              <th scope="col">{r.columnHost}</th>
              <th scope="col">{r.columnDisks}</th>
              <th scope="col">
                <span className="visually-hidden">{m.restoreWizard.columnActions}</span>
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
  const m = useMessages();
  const r = m.restorePoints;
  const { group } = props;
  const headingId = useId();
  return (
    <section className="panel cluster-points" aria-labelledby={headingId}>
      <h2 id={headingId}>{group.clusterName ?? r.unknownCluster}</h2>
      <p className="muted cluster-facts selectable">
        {group.clusterName === null ? r.unknownClusterFacts(group.vms.length, group.clusterId) : r.clusterVmCount(group.vms.length)}
      </p>
      {props.catalogKnown && !group.inCatalog ? <p className="muted">{r.notInCatalog}</p> : null}
      {group.vms.map((vm) => (
        <VmPointsTable key={vm.vmUuid} vm={vm} />
      ))}
    </section>
  );
}
