// Step 1 of the restore wizard: find the VM by name, and choose one of its restore points (when it was taken, full
// or incremental, the host it was read from, its disks). The points of all VMs are one group of radio buttons, so
// the arrow keys move through them; each VM's points are a fieldset named by the VM.
import { useId, useMemo, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { WarningIcon } from '../../components/Icons.js';
import { ErrorNotice, LoadingNotice } from '../../components/Notices.js';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format.js';
import { useStores } from '../../stores/index.js';
import { chosenPoint, pointGroups } from '../../stores/restore-wizard-store.js';
import { StepError, StepSection, useEngineError } from './StepSection.js';

function PointChoices(props: { problemId: string }): ReactNode {
  const { t } = useTranslation(['points', 'restore']);
  const f = useFormat();
  const { restoreWizard } = useStores();
  const points = useStore(restoreWizard, (state) => state.points);
  const clusters = useStore(restoreWizard, (state) => state.clusters);
  const search = useStore(restoreWizard, (state) => state.search);
  const pointId = useStore(restoreWizard, (state) => state.pointId);
  const problem = useStore(restoreWizard, (state) => state.problems?.point ?? null);
  const choosePoint = useStore(restoreWizard, (state) => state.choosePoint);
  const groups = useMemo(() => pointGroups({ points, clusters, search }), [points, clusters, search]);
  const name = useId();
  const shownPoints = groups.reduce((sum, group) => sum + group.vms.reduce((n, vm) => n + vm.points.length, 0), 0);
  const shownVms = groups.reduce((sum, group) => sum + group.vms.length, 0);
  return (
    <>
      <p className="muted" role="status">
        {groups.length === 0
          ? t('points:noMatch', { filter: search.trim() })
          : t('points:summary', { points: t('points:pointCount', { count: shownPoints }), vms: t('points:vmCount', { count: shownVms }) })}
      </p>
      <div className="point-choices">
        {groups.flatMap((group) =>
          group.vms.map((vm) => (
            <fieldset key={`${group.clusterId}/${vm.vmUuid}`} className="choice-group point-choice-group">
              <legend className="field-label">{group.clusterName === null ? t('restore:point.vmLegend', { vm: vm.vmName }) : t('restore:point.vmLegendCluster', { vm: vm.vmName, cluster: group.clusterName })}</legend>
              {vm.points.map((point) => (
                <label key={point.id} className="choice wizard-choice">
                  <input
                    type="radio"
                    name={name}
                    value={point.id}
                    checked={point.id === pointId}
                    onChange={() => choosePoint(point.id)}
                    data-wizard-focus="point"
                    aria-invalid={problem ? true : undefined}
                    aria-describedby={problem ? props.problemId : undefined}
                  />
                  <span>
                    <span className="wizard-choice-title">
                      {t('restore:point.choice', { when: f.dateTime(point.createdAt), type: t(`points:types.${point.type}`), host: point.sourceHostLabel })}
                    </span>
                    <span className="wizard-choice-detail muted">
                      {t('restore:point.disks', { disks: f.list(point.disks.map((disk) => t('restore:point.disk', { target: disk.target, size: f.bytes(disk.capacityBytes) }))) })}
                    </span>
                  </span>
                </label>
              ))}
            </fieldset>
          )),
        )}
      </div>
    </>
  );
}

export function PointStep(): ReactNode {
  const { t } = useTranslation(['points', 'restore']);
  const f = useFormat();
  const { restoreWizard } = useStores();
  const status = useStore(restoreWizard, (state) => state.pointsStatus);
  const error = useStore(restoreWizard, (state) => state.pointsError);
  const points = useStore(restoreWizard, (state) => state.points);
  const search = useStore(restoreWizard, (state) => state.search);
  const unknownPoint = useStore(restoreWizard, (state) => state.openedWithUnknownPoint);
  const problem = useStore(restoreWizard, (state) => state.problems?.point ?? null);
  const chosen = useStore(restoreWizard, (state) => chosenPoint(state));
  const chosenShown = useStore(restoreWizard, (state) =>
    pointGroups(state).some((group) => group.vms.some((vm) => vm.points.some((point) => point.id === state.pointId))),
  );
  const setSearch = useStore(restoreWizard, (state) => state.setSearch);
  const loadPoints = useStore(restoreWizard, (state) => state.loadPoints);
  // The engine could not read the chosen point (damaged, or gone from the repository) when checking the restore.
  const engineError = useEngineError('point', null);
  const searchId = useId();
  const problemId = useId();

  let content: ReactNode;
  if (status === 'error' && error !== null && points.length === 0) {
    content = <ErrorNotice title={t('restore:point.loadFailed')} error={error} onRetry={() => void loadPoints()} />;
  } else if (points.length === 0 && status !== 'ready') {
    content = <LoadingNotice>{t('restore:point.loading')}</LoadingNotice>;
  } else if (points.length === 0) {
    content = <p>{t('restore:point.empty')}</p>;
  } else {
    content = (
      <>
        <div className="field point-filter">
          <label className="field-label" htmlFor={searchId}>
            {t('restore:point.searchLabel')}
          </label>
          <input id={searchId} type="search" className="input" autoComplete="off" value={search} onChange={(event) => setSearch(event.target.value)} />
        </div>
        <PointChoices problemId={problemId} />
      </>
    );
  }

  return (
    <StepSection step="point" title={t('restore:stepHeading', { number: 1, name: t('restore:steps.point') })}>
      <p>{t('restore:point.intro')}</p>
      {unknownPoint ? (
        <div className="notice notice-warning">
          <p className="notice-title">
            <WarningIcon />
            {t('restore:point.unknownPoint')}
          </p>
        </div>
      ) : null}
      {engineError !== null ? <StepError title={t('restore:point.pointRefused')} error={engineError} /> : null}
      {status === 'error' && error !== null && points.length > 0 ? (
        <ErrorNotice title={t('restore:point.loadFailed')} error={error} onRetry={() => void loadPoints()} />
      ) : null}
      {content}
      {problem ? (
        <p className="field-error" id={problemId}>
          <WarningIcon />
          <span>{t('restore:point.required')}</span>
        </p>
      ) : null}
      <p className="wizard-chosen" aria-live="polite">
        {chosen === null ? t('restore:point.noneChosen') : t('restore:point.chosen', { vm: chosen.vmName, when: f.dateTime(chosen.createdAt) })}
        {chosen !== null && !chosenShown ? <span className="muted wizard-chosen-note">{t('restore:point.chosenHidden')}</span> : null}
      </p>
    </StepSection>
  );
}
