// Step 4 of the restore wizard: the engine's dry run (`restore.preflight`), as a plan to read before starting: the
// VM and point, the name it is restored as, host, pool and format, each disk with its new volume, the space needed
// against the pool's free space, and what the VM's configuration changes to fit the host, with any warnings. A
// refusal the wizard can place is shown on its own step; anything else is shown here, with "Check again".
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { WarningIcon } from '../../components/Icons.js';
import { LoadingNotice } from '../../components/Notices.js';
import { useMessages } from '../../messages.js';
import { useStores } from '../../stores/index.js';
import { chosenHost, chosenPoint } from '../../stores/restore-wizard-store.js';
import { StepError, StepSection, useEngineError } from './StepSection.js';

function Plan(): ReactNode {
  const m = useMessages();
  const r = m.restoreWizard.review;
  const { restoreWizard } = useStores();
  const plan = useStore(restoreWizard, (state) => state.plan);
  const point = useStore(restoreWizard, (state) => chosenPoint(state));
  const start = useStore(restoreWizard, (state) => state.form.start);
  if (plan === null || point === null) return null;
  return (
    <>
      <dl className="facts restore-plan" aria-label={r.planCaption}>
        <div>
          <dt>{r.vm}</dt>
          <dd>{point.vmName}</dd>
        </div>
        <div>
          <dt>{r.point}</dt>
          <dd>
            {m.restoreWizard.point.choice(m.formatDateTime(point.createdAt), m.restorePoints.types[point.type], point.sourceHostLabel)}
          </dd>
        </div>
        <div>
          <dt>{r.restoredAs}</dt>
          <dd className="selectable">{plan.replace ? r.asReplace(plan.name) : r.asCopy(plan.name)}</dd>
        </div>
        <div>
          <dt>{r.host}</dt>
          <dd>{plan.host}</dd>
        </div>
        <div>
          <dt>{r.pool}</dt>
          <dd>{plan.pool}</dd>
        </div>
        <div>
          <dt>{r.format}</dt>
          <dd>{plan.format}</dd>
        </div>
        <div>
          <dt>{r.space}</dt>
          <dd>{r.spaceText(m.formatBytes(plan.requiredBytes), m.formatBytes(plan.availableBytes))}</dd>
        </div>
        <div>
          <dt>{r.start}</dt>
          <dd>{start ? r.startYes : r.startNo}</dd>
        </div>
      </dl>
      <div className="table-scroll" tabIndex={0} role="group" aria-label={r.disksCaption}>
        <table className="data-table compact restore-disks">
          <caption className="visually-hidden">{r.disksCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{r.columnDisk}</th>
              <th scope="col" className="numeric">
                {r.columnSize}
              </th>
              <th scope="col">{r.columnVolume}</th>
            </tr>
          </thead>
          <tbody>
            {plan.disks.map((disk) => (
              <tr key={disk.target}>
                <th scope="row">{disk.target}</th>
                <td className="numeric">{m.formatBytes(disk.capacityBytes)}</td>
                <td className="selectable">{disk.volume}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {plan.changes.length > 0 ? (
        <>
          <h3 className="wizard-subheading">{r.changes(plan.host)}</h3>
          <ul className="plan-changes">
            {plan.changes.map((change, index) => (
              <li key={`${index}:${change}`} className="selectable">
                {change}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {plan.warnings.length > 0 ? (
        <>
          <h3 className="wizard-subheading">{r.warnings}</h3>
          <ul className="plan-warnings">
            {plan.warnings.map((warning, index) => (
              <li key={`${index}:${warning}`}>
                <WarningIcon />
                <span className="selectable">{warning}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export function ReviewStep(): ReactNode {
  const m = useMessages();
  const w = m.restoreWizard;
  const { restoreWizard } = useStores();
  const status = useStore(restoreWizard, (state) => state.planStatus);
  const hostLabel = useStore(restoreWizard, (state) => chosenHost(state)?.label ?? '');
  const preflight = useStore(restoreWizard, (state) => state.preflight);
  const error = useEngineError('review', null);
  return (
    <StepSection step="review" title={w.stepHeading(4, w.steps.review)}>
      {status === 'loading' ? <LoadingNotice>{w.review.checking(hostLabel)}</LoadingNotice> : null}
      {error !== null ? <StepError title={w.review.checkFailed} error={error} onRetry={() => void preflight()} retryLabel={w.review.checkAgain} /> : null}
      {status === 'ready' ? (
        <>
          <p>{w.review.intro}</p>
          <Plan />
        </>
      ) : null}
    </StepSection>
  );
}
