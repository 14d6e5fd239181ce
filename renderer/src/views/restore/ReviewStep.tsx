// Step 4 of the restore wizard: the engine's dry run (`restore.preflight`), as a plan to read before starting: the
// VM and point, the name it is restored as, host, pool and format, each disk with its new volume, the space needed
// against the pool's free space, and what the VM's configuration changes to fit the host, with any warnings. A
// refusal the wizard can place is shown on its own step; anything else is shown here, with "Check again".
import type { ReactNode } from 'react';
import { useStore } from 'zustand';
import { WarningIcon } from '../../components/Icons.js';
import { LoadingNotice } from '../../components/Notices.js';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format.js';
import { useStores } from '../../stores/index.js';
import { chosenHost, chosenPoint } from '../../stores/restore-wizard-store.js';
import { restoreChangeText } from './restore-change.js';
import { restoreWarningText } from './restore-warning.js';
import { StepError, StepSection, useEngineError } from './StepSection.js';

function Plan(): ReactNode {
  const { t } = useTranslation(['restore', 'points']);
  const f = useFormat();
  const { restoreWizard } = useStores();
  const plan = useStore(restoreWizard, (state) => state.plan);
  const point = useStore(restoreWizard, (state) => chosenPoint(state));
  const start = useStore(restoreWizard, (state) => state.form.start);
  if (plan === null || point === null) return null;
  return (
    <>
      <dl className="facts restore-plan" aria-label={t('restore:review.planCaption')}>
        <div>
          <dt>{t('restore:review.vm')}</dt>
          <dd>{point.vmName}</dd>
        </div>
        <div>
          <dt>{t('restore:review.point')}</dt>
          <dd>
            {t('restore:point.choice', { when: f.dateTime(point.createdAt), type: t(`points:types.${point.type}`), host: point.sourceHostLabel })}
          </dd>
        </div>
        <div>
          <dt>{t('restore:review.restoredAs')}</dt>
          <dd className="selectable">{plan.replace ? t('restore:review.asReplace', { name: plan.name }) : t('restore:review.asCopy', { name: plan.name })}</dd>
        </div>
        <div>
          <dt>{t('restore:review.host')}</dt>
          <dd>{plan.host}</dd>
        </div>
        <div>
          <dt>{t('restore:review.pool')}</dt>
          <dd>{plan.pool}</dd>
        </div>
        <div>
          <dt>{t('restore:review.format')}</dt>
          <dd>{plan.format}</dd>
        </div>
        <div>
          <dt>{t('restore:review.space')}</dt>
          <dd>{t('restore:review.spaceText', { needed: f.bytes(plan.requiredBytes), free: f.bytes(plan.availableBytes) })}</dd>
        </div>
        <div>
          <dt>{t('restore:review.start')}</dt>
          <dd>{start ? t('restore:review.startYes') : t('restore:review.startNo')}</dd>
        </div>
      </dl>
      <div className="table-scroll" tabIndex={0} role="group" aria-label={t('restore:review.disksCaption')}>
        <table className="data-table compact restore-disks">
          <caption className="visually-hidden">{t('restore:review.disksCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('restore:review.columnDisk')}</th>
              <th scope="col" className="numeric">
                {t('restore:review.columnSize')}
              </th>
              <th scope="col">{t('restore:review.columnVolume')}</th>
            </tr>
          </thead>
          <tbody>
            {plan.disks.map((disk) => (
              <tr key={disk.target}>
                <th scope="row">{disk.target}</th>
                <td className="numeric">{f.bytes(disk.capacityBytes)}</td>
                <td className="selectable">{disk.volume}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {plan.changes.length > 0 ? (
        <>
          <h3 className="wizard-subheading">{t('restore:review.changes', { host: plan.host })}</h3>
          <ul className="plan-changes">
            {plan.changes.map((change, index) => (
              <li key={`${index}:${change.code}`} className="selectable">
                {restoreChangeText(t, change)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {plan.warnings.length > 0 ? (
        <>
          <h3 className="wizard-subheading">{t('restore:review.warnings')}</h3>
          <ul className="plan-warnings">
            {plan.warnings.map((warning, index) => (
              <li key={`${index}:${warning.code}`}>
                <WarningIcon />
                <span className="selectable">{restoreWarningText(t, warning)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export function ReviewStep(): ReactNode {
  const { t } = useTranslation(['restore', 'points']);
  const { restoreWizard } = useStores();
  const status = useStore(restoreWizard, (state) => state.planStatus);
  const hostLabel = useStore(restoreWizard, (state) => chosenHost(state)?.label ?? '');
  const preflight = useStore(restoreWizard, (state) => state.preflight);
  const error = useEngineError('review', null);
  return (
    <StepSection step="review" title={t('restore:stepHeading', { number: 4, name: t('restore:steps.review') })}>
      {status === 'loading' ? <LoadingNotice>{t('restore:review.checking', { host: hostLabel })}</LoadingNotice> : null}
      {error !== null ? <StepError title={t('restore:review.checkFailed')} error={error} onRetry={() => void preflight()} retryLabel={t('restore:review.checkAgain')} /> : null}
      {status === 'ready' ? (
        <>
          <p>{t('restore:review.intro')}</p>
          <Plan />
        </>
      ) : null}
    </StepSection>
  );
}
