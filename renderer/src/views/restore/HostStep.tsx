// Step 2 of the restore wizard: the target host. Every host of the cluster is listed with its state and its storage
// pools' free space against what the VM's disks need; a host that did not answer, or has no pool with room, cannot
// be chosen, and says why. Another cluster's hosts can be offered instead of the point's own.
import { useId, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { RestoreTargetHost } from '../../../../shared/model/restore.js';
import { RefreshIcon, StateIcon, WarningIcon } from '../../components/Icons.js';
import { ErrorNotice, LoadingNotice } from '../../components/Notices.js';
import { useMessages, type Messages } from '../../messages.js';
import { useStores } from '../../stores/index.js';
import { chosenPoint, hostRefusal, poolRefusal } from '../../stores/restore-wizard-store.js';
import { engineErrorText, StepError, StepSection, useEngineError } from './StepSection.js';

function refusalText(m: Messages, host: RestoreTargetHost, requiredBytes: number): string | null {
  const h = m.restoreWizard.host;
  switch (hostRefusal(host, requiredBytes)) {
    case 'unreachable':
      return h.unreachable(host.error === null ? m.common.unknown : `${host.error.code}: ${host.error.message}`);
    case 'no-pool':
      return h.noPool;
    case 'no-room':
      return h.noRoom(m.formatBytes(requiredBytes));
    case null:
      return null;
  }
}

function HostChoice(props: { host: RestoreTargetHost; requiredBytes: number; name: string; describedBy: string | undefined }): ReactNode {
  const m = useMessages();
  const h = m.restoreWizard.host;
  const { host, requiredBytes } = props;
  const { restoreWizard } = useStores();
  const chosen = useStore(restoreWizard, (state) => state.hostId === host.hostId);
  const chooseHost = useStore(restoreWizard, (state) => state.chooseHost);
  const problem = useStore(restoreWizard, (state) => (state.hostId === host.hostId ? (state.problems?.host ?? null) : null));
  const engineError = useEngineError('host', 'host');
  const detailsId = useId();
  const errorId = useId();
  const refusal = refusalText(m, host, requiredBytes);
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
          {h.states[host.state]}
        </span>
        {host.hasOriginal ? <span className="badge badge-original">{h.hasOriginal}</span> : null}
      </label>
      <div className="host-choice-details" id={detailsId}>
        {refusal !== null ? (
          <p className="host-refusal">
            <WarningIcon />
            <span className="selectable">{refusal}</span>
          </p>
        ) : null}
        {host.pools.length > 0 ? (
          <ul className="pool-list" aria-label={h.pools}>
            {host.pools.map((pool) => {
              const why = poolRefusal(pool, requiredBytes);
              return (
                <li key={pool.name} className={why === null ? 'pool-fits' : 'pool-refused'}>
                  <span>{h.pool(pool.name, pool.type, m.formatBytes(pool.availableBytes), m.formatBytes(pool.capacityBytes))}</span>
                  <span className="pool-verdict">
                    {why === null ? h.poolFits : why === 'inactive' ? h.poolInactive : h.poolNoRoom(m.formatBytes(requiredBytes))}
                  </span>
                </li>
              );
            })}
          </ul>
        ) : host.state === 'connected' ? (
          <p className="muted">{h.noPools}</p>
        ) : null}
      </div>
      {showEngineError ? (
        <p className="field-error" id={errorId}>
          <WarningIcon />
          <span className="selectable">{engineErrorText(m, engineError)}</span>
        </p>
      ) : null}
    </div>
  );
}

function ClusterChoice(): ReactNode {
  const m = useMessages();
  const h = m.restoreWizard.host;
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
        {h.cluster}
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
            {cluster.id.toLowerCase() === pointCluster ? h.ownCluster(cluster.name) : cluster.name}
          </option>
        ))}
      </select>
      <p className="field-hint" id={hintId}>
        {h.clusterHint}
      </p>
    </div>
  );
}

export function HostStep(): ReactNode {
  const m = useMessages();
  const w = m.restoreWizard;
  const h = w.host;
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
    content = <ErrorNotice title={h.loadFailed} error={error} onRetry={() => void loadTargets()} />;
  } else if (targets === null) {
    content = <LoadingNotice>{h.loading}</LoadingNotice>;
  } else {
    content = (
      <fieldset className="choice-group host-choices">
        <legend className="field-label">{h.legend}</legend>
        {targets.hosts.map((host) => (
          <HostChoice key={host.hostId} host={host} requiredBytes={targets.requiredBytes} name={name} describedBy={problem ? problemId : undefined} />
        ))}
      </fieldset>
    );
  }

  return (
    <StepSection step="host" title={w.stepHeading(2, w.steps.host)}>
      <p>{h.intro(point?.vmName ?? '', m.formatBytes(required))}</p>
      <ClusterChoice />
      {stepError !== null ? <StepError title={h.loadFailed} error={stepError} /> : null}
      {/* An engine error about the host, with no host chosen to show it at. */}
      {hostError !== null && !hostChosen ? <StepError title={h.loadFailed} error={hostError} /> : null}
      {content}
      {problem ? (
        <p className="field-error" id={problemId}>
          <WarningIcon />
          <span>{problem === 'required' ? h.required : refusalTextFor(m, problem, required)}</span>
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
          {status === 'loading' ? h.loading : h.refresh}
        </button>
      ) : null}
    </StepSection>
  );
}

function refusalTextFor(m: Messages, problem: 'unreachable' | 'no-pool' | 'no-room', required: number): string {
  const h = m.restoreWizard.host;
  if (problem === 'unreachable') return h.unreachable(m.common.unknown);
  return problem === 'no-pool' ? h.noPool : h.noRoom(m.formatBytes(required));
}
