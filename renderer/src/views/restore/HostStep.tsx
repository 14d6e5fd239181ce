// Step 2 of the restore wizard: the target host. Every host of the cluster is listed with its state and its storage
// pools' free space against what the VM's disks need; a host that did not answer, or has no pool with room, cannot
// be chosen, and says why. Another cluster's hosts can be offered instead of the point's own.
import { useId, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { RestoreTargetHost } from '../../../../shared/model/restore.js';
import { RefreshIcon, StateIcon, WarningIcon } from '../../components/Icons.js';
import { ErrorNotice, LoadingNotice } from '../../components/Notices.js';
import { useFormat, type Formatters } from '../../i18n/format.js';
import { useStores } from '../../stores/index.js';
import { chosenPoint, hostRefusal, poolRefusal } from '../../stores/restore-wizard-store.js';
import { engineErrorText, StepError, StepSection, useEngineError } from './StepSection.js';

function refusalText(t: TFunction<['restore', 'common']>, f: Formatters, host: RestoreTargetHost, requiredBytes: number): string | null {
  switch (hostRefusal(host, requiredBytes)) {
    case 'unreachable':
      return t('restore:host.unreachable', { reason: host.error === null ? t('common:unknown') : `${host.error.code}: ${host.error.message}` });
    case 'no-pool':
      return t('restore:host.noPool');
    case 'no-room':
      return t('restore:host.noRoom', { size: f.bytes(requiredBytes) });
    case null:
      return null;
  }
}

function HostChoice(props: { host: RestoreTargetHost; requiredBytes: number; name: string; describedBy: string | undefined }): ReactNode {
  const { t } = useTranslation(['restore', 'common']);
  const f = useFormat();
  const { host, requiredBytes } = props;
  const { restoreWizard } = useStores();
  const chosen = useStore(restoreWizard, (state) => state.hostId === host.hostId);
  const chooseHost = useStore(restoreWizard, (state) => state.chooseHost);
  const problem = useStore(restoreWizard, (state) => (state.hostId === host.hostId ? (state.problems?.host ?? null) : null));
  const engineError = useEngineError('host', 'host');
  const detailsId = useId();
  const errorId = useId();
  const refusal = refusalText(t, f, host, requiredBytes);
  const showEngineError = chosen && engineError !== null;
  const describedBy = [detailsId, showEngineError ? errorId : null, props.describedBy ?? null].filter((id) => id !== null).join(' ');
  return (
    <div className={`host-choice${chosen ? ' host-choice-chosen' : ''}${refusal !== null ? ' host-choice-refused' : ''}`}>
      <label className="choice wizard-choice">
        <input
          type="radio"
          name={props.name}
          value={host.hostId}
          checked={chosen}
          disabled={refusal !== null}
          onChange={() => chooseHost(host.hostId)}
          data-wizard-focus="host"
          aria-describedby={describedBy}
          aria-invalid={problem !== null || showEngineError ? true : undefined}
        />
        <span className="wizard-choice-title host-choice-name">{host.label}</span>
        <span className={`badge badge-host-${host.state}`}>
          <StateIcon shape={host.state === 'connected' ? 'ok' : 'problem'} />
          {t(`restore:host.states.${host.state}`)}
        </span>
        {host.hasOriginal ? <span className="badge badge-original">{t('restore:host.hasOriginal')}</span> : null}
      </label>
      <div className="host-choice-details" id={detailsId}>
        {refusal !== null ? (
          <p className="host-refusal">
            <WarningIcon />
            <span className="selectable">{refusal}</span>
          </p>
        ) : null}
        {host.pools.length > 0 ? (
          <ul className="pool-list" aria-label={t('restore:host.pools')}>
            {host.pools.map((pool) => {
              const why = poolRefusal(pool, requiredBytes);
              return (
                <li key={pool.name} className={why === null ? 'pool-fits' : 'pool-refused'}>
                  <span>{t('restore:host.pool', { name: pool.name, type: pool.type, free: f.bytes(pool.availableBytes), capacity: f.bytes(pool.capacityBytes) })}</span>
                  <span className="pool-verdict">
                    {why === null ? t('restore:host.poolFits') : why === 'inactive' ? t('restore:host.poolInactive') : t('restore:host.poolNoRoom', { needed: f.bytes(requiredBytes) })}
                  </span>
                </li>
              );
            })}
          </ul>
        ) : host.state === 'connected' ? (
          <p className="muted">{t('restore:host.noPools')}</p>
        ) : null}
      </div>
      {showEngineError ? (
        <p className="field-error" id={errorId}>
          <WarningIcon />
          <span className="selectable">{engineErrorText(t, engineError)}</span>
        </p>
      ) : null}
    </div>
  );
}

function ClusterChoice(): ReactNode {
  const { t } = useTranslation(['restore', 'common']);
  const { restoreWizard } = useStores();
  const clusters = useStore(restoreWizard, (state) => state.clusters);
  const pointCluster = useStore(restoreWizard, (state) => chosenPoint(state)?.clusterId.toLowerCase() ?? null);
  const current = useStore(restoreWizard, (state) => state.targetClusterId ?? state.targets?.clusterId ?? pointCluster);
  const chooseCluster = useStore(restoreWizard, (state) => state.chooseCluster);
  const id = useId();
  const hintId = useId();
  if (clusters.length < 2) return null;
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {t('restore:host.cluster')}
      </label>
      <select
        id={id}
        className="select"
        value={current ?? ''}
        onChange={(event) => chooseCluster(event.target.value)}
        aria-describedby={hintId}
        data-wizard-focus="cluster"
      >
        {clusters.map((cluster) => (
          <option key={cluster.id} value={cluster.id.toLowerCase()}>
            {cluster.id.toLowerCase() === pointCluster ? t('restore:host.ownCluster', { name: cluster.name }) : cluster.name}
          </option>
        ))}
      </select>
      <p className="field-hint" id={hintId}>
        {t('restore:host.clusterHint')}
      </p>
    </div>
  );
}

export function HostStep(): ReactNode {
  const { t } = useTranslation(['restore', 'common']);
  const f = useFormat();
  const { restoreWizard } = useStores();
  const point = useStore(restoreWizard, (state) => chosenPoint(state));
  const targets = useStore(restoreWizard, (state) => state.targets);
  const status = useStore(restoreWizard, (state) => state.targetsStatus);
  const error = useStore(restoreWizard, (state) => state.targetsError);
  const problem = useStore(restoreWizard, (state) => state.problems?.host ?? null);
  const hostChosen = useStore(restoreWizard, (state) => state.hostId !== null);
  const loadTargets = useStore(restoreWizard, (state) => state.loadTargets);
  const stepError = useEngineError('host', null);
  const hostError = useEngineError('host', 'host');
  const name = useId();
  const problemId = useId();
  const required = targets?.requiredBytes ?? point?.disks.reduce((sum, disk) => sum + disk.capacityBytes, 0) ?? 0;

  let content: ReactNode;
  if (status === 'error' && error !== null) {
    content = <ErrorNotice title={t('restore:host.loadFailed')} error={error} onRetry={() => void loadTargets()} />;
  } else if (targets === null) {
    content = <LoadingNotice>{t('restore:host.loading')}</LoadingNotice>;
  } else {
    content = (
      <fieldset className="choice-group host-choices">
        <legend className="field-label">{t('restore:host.legend')}</legend>
        {targets.hosts.map((host) => (
          <HostChoice key={host.hostId} host={host} requiredBytes={targets.requiredBytes} name={name} describedBy={problem ? problemId : undefined} />
        ))}
      </fieldset>
    );
  }

  return (
    <StepSection step="host" title={t('restore:stepHeading', { number: 2, name: t('restore:steps.host') })}>
      <p>{t('restore:host.intro', { vm: point?.vmName ?? '', size: f.bytes(required) })}</p>
      <ClusterChoice />
      {stepError !== null ? <StepError title={t('restore:host.loadFailed')} error={stepError} /> : null}
      {/* An engine error about the host, with no host chosen to show it at. */}
      {hostError !== null && !hostChosen ? <StepError title={t('restore:host.loadFailed')} error={hostError} /> : null}
      {content}
      {problem ? (
        <p className="field-error" id={problemId}>
          <WarningIcon />
          <span>{problem === 'required' ? t('restore:host.required') : refusalTextFor(t, f, problem, required)}</span>
        </p>
      ) : null}
      {targets !== null ? (
        <button
          type="button"
          className="button"
          onClick={() => {
            if (status !== 'loading') void loadTargets();
          }}
          aria-disabled={status === 'loading'}
        >
          <RefreshIcon />
          {status === 'loading' ? t('restore:host.loading') : t('restore:host.refresh')}
        </button>
      ) : null}
    </StepSection>
  );
}

function refusalTextFor(t: TFunction<['restore', 'common']>, f: Formatters, problem: 'unreachable' | 'no-pool' | 'no-room', required: number): string {
  if (problem === 'unreachable') return t('restore:host.unreachable', { reason: t('common:unknown') });
  return problem === 'no-pool' ? t('restore:host.noPool') : t('restore:host.noRoom', { size: f.bytes(required) });
}
