// Step 3 of the restore wizard: replace the original (offered only on the host that has it), the new VM's name, the
// storage pool (those without room, or not running, cannot be chosen and say why), the disk format (qcow2 only in a
// pool of files), where interfaces on networks the host lacks go, and whether to start the VM. Each problem shows
// next to its input, whether the wizard found it or the engine's check did.
import { useId, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { Field } from '../../components/Field.js';
import { WarningIcon } from '../../components/Icons.js';
import { useFormat } from '../../i18n/format.js';
import { useStores } from '../../stores/index.js';
import {
  chosenHost,
  chosenPoint,
  FORMATS,
  formatRefusal,
  missingNetworks,
  networkTargets,
  poolRefusal,
  type MissingNetwork,
} from '../../stores/restore-wizard-store.js';
import type { StoreError } from '../../stores/store-error.js';
import { engineErrorText, StepError, StepSection, useEngineError } from './StepSection.js';

/** The wizard's own problem with an input, else the engine's refusal placed on it. */
function fieldError(t: TFunction<['restore']>, own: string | null, engine: StoreError | null): string | null {
  if (own !== null) return own;
  return engine === null ? null : engineErrorText(t, engine);
}

function ReplaceField(): ReactNode {
  const { t } = useTranslation(['restore']);
  const { restoreWizard } = useStores();
  const host = useStore(restoreWizard, (state) => chosenHost(state));
  const replace = useStore(restoreWizard, (state) => state.form.replace);
  const setReplace = useStore(restoreWizard, (state) => state.setReplace);
  const engineError = useEngineError('options', 'replace');
  const hintId = useId();
  const errorId = useId();
  if (host === null) return null;
  if (!host.hasOriginal) return <p className="muted">{t('restore:options.copyOnly', { host: host.label })}</p>;
  return (
    <div className="field switch-field">
      <label className="choice">
        <input
          type="checkbox"
          className="checkbox"
          checked={replace}
          onChange={(event) => setReplace(event.target.checked)}
          data-wizard-focus="replace"
          aria-describedby={[engineError ? errorId : null, hintId].filter((id) => id !== null).join(' ')}
          aria-invalid={engineError ? true : undefined}
        />
        <span className="field-label">{t('restore:options.replaceLabel', { host: host.label })}</span>
      </label>
      {engineError ? (
        <p className="field-error" id={errorId}>
          <WarningIcon />
          <span className="selectable">{engineErrorText(t, engineError)}</span>
        </p>
      ) : null}
      <p className="field-hint" id={hintId}>
        {t('restore:options.replaceHint')}
      </p>
    </div>
  );
}

function NameField(): ReactNode {
  const { t } = useTranslation(['restore']);
  const { restoreWizard } = useStores();
  const name = useStore(restoreWizard, (state) => state.form.name);
  const replace = useStore(restoreWizard, (state) => state.form.replace);
  const vmName = useStore(restoreWizard, (state) => chosenPoint(state)?.vmName ?? '');
  const problem = useStore(restoreWizard, (state) => state.problems?.name ?? null);
  const setName = useStore(restoreWizard, (state) => state.setName);
  const engineError = useEngineError('options', 'name');
  if (replace) {
    return (
      <>
        <p>{t('restore:options.keepsName', { vm: vmName })}</p>
        {engineError ? (
          <p className="field-error">
            <WarningIcon />
            <span className="selectable">{engineErrorText(t, engineError)}</span>
          </p>
        ) : null}
      </>
    );
  }
  return (
    <Field label={t('restore:options.nameLabel')} hint={t('restore:options.nameHint')} error={fieldError(t, problem === null ? null : t(`restore:options.nameProblems.${problem}`), engineError)}>
      {(control) => (
        <input
          {...control}
          type="text"
          className="input wizard-name"
          autoComplete="off"
          spellCheck={false}
          value={name}
          onChange={(event) => setName(event.target.value)}
          data-wizard-focus="name"
        />
      )}
    </Field>
  );
}

function PoolField(): ReactNode {
  const { t } = useTranslation(['restore']);
  const f = useFormat();
  const { restoreWizard } = useStores();
  const host = useStore(restoreWizard, (state) => chosenHost(state));
  const required = useStore(restoreWizard, (state) => state.targets?.requiredBytes ?? 0);
  const pool = useStore(restoreWizard, (state) => state.form.pool);
  const problem = useStore(restoreWizard, (state) => state.problems?.pool ?? null);
  const setPool = useStore(restoreWizard, (state) => state.setPool);
  const engineError = useEngineError('options', 'pool');
  if (host === null) return null;
  return (
    <Field
      label={t('restore:options.poolLabel')}
      hint={t('restore:options.poolHint', { size: f.bytes(required) })}
      error={fieldError(t, problem === null ? null : t(`restore:options.poolProblems.${problem}`), engineError)}
    >
      {(control) => (
        <select {...control} className="select" value={pool ?? ''} onChange={(event) => setPool(event.target.value)} data-wizard-focus="pool">
          {pool === null ? <option value="">{t('restore:options.poolProblems.required')}</option> : null}
          {host.pools.map((candidate) => {
            const why = poolRefusal(candidate, required);
            const free = f.bytes(candidate.availableBytes);
            return (
              <option key={candidate.name} value={candidate.name} disabled={why !== null}>
                {why === null
                  ? t('restore:options.poolOption', { name: candidate.name, type: candidate.type, free })
                  : t('restore:options.poolOptionRefused', { name: candidate.name, type: candidate.type, free, why: why === 'inactive' ? t('restore:host.poolInactive') : t('restore:host.poolNoRoom', { needed: f.bytes(required) }) })}
              </option>
            );
          })}
        </select>
      )}
    </Field>
  );
}

function FormatField(): ReactNode {
  const { t } = useTranslation(['restore']);
  const { restoreWizard } = useStores();
  const host = useStore(restoreWizard, (state) => chosenHost(state));
  const poolName = useStore(restoreWizard, (state) => state.form.pool);
  const format = useStore(restoreWizard, (state) => state.form.format);
  const problem = useStore(restoreWizard, (state) => state.problems?.format ?? null);
  const setFormat = useStore(restoreWizard, (state) => state.setFormat);
  const engineError = useEngineError('options', 'format');
  const name = useId();
  const noteId = useId();
  const errorId = useId();
  const pool = host?.pools.find((candidate) => candidate.name === poolName);
  const qcow2Refused = formatRefusal('qcow2', pool) !== null;
  const error = fieldError(t, problem === null ? null : t('restore:options.formatProblem'), engineError);
  const describedBy = [error ? errorId : null, qcow2Refused ? noteId : null].filter((id) => id !== null).join(' ') || undefined;
  return (
    <fieldset className="choice-group" aria-describedby={describedBy}>
      <legend className="field-label">{t('restore:options.formatLegend')}</legend>
      {FORMATS.map((candidate) => (
        <label key={candidate} className="choice">
          <input
            type="radio"
            name={name}
            value={candidate}
            checked={format === candidate}
            disabled={candidate === 'qcow2' && qcow2Refused}
            onChange={() => setFormat(candidate)}
            data-wizard-focus="format"
            aria-invalid={error && format === candidate ? true : undefined}
          />
          <span>{t(`restore:options.formats.${candidate}`)}</span>
        </label>
      ))}
      {qcow2Refused && pool ? (
        <p className="field-hint" id={noteId}>
          {t('restore:options.qcow2NeedsFilePool', { pool: pool.name })}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={errorId}>
          <WarningIcon />
          <span className="selectable">{error}</span>
        </p>
      ) : null}
    </fieldset>
  );
}

function NetworkField(props: { network: MissingNetwork; first: boolean }): ReactNode {
  const { t } = useTranslation(['restore']);
  const { network } = props;
  const { restoreWizard } = useStores();
  const host = useStore(restoreWizard, (state) => chosenHost(state));
  const value = useStore(restoreWizard, (state) => state.form.networkMap[network.from] ?? null);
  const mapNetwork = useStore(restoreWizard, (state) => state.mapNetwork);
  const engineError = useEngineError('options', 'network');
  if (host === null) return null;
  const macs = network.macs.filter((mac): mac is string => mac !== null).join(', ');
  return (
    <Field label={macs === '' ? t(`restore:options.networkLabel.${network.type}`, { name: network.from }) : t(`restore:options.networkLabelMacs.${network.type}`, { name: network.from, macs })} error={props.first && engineError ? engineErrorText(t, engineError) : null}>
      {(control) => (
        <select
          {...control}
          className="select"
          // The empty value is "leave disconnected".
          value={value ?? ''}
          onChange={(event) => mapNetwork(network.from, event.target.value === '' ? null : event.target.value)}
          data-wizard-focus={props.first ? 'network' : undefined}
        >
          <option value="">{t('restore:options.disconnected')}</option>
          {networkTargets(host).map((target) => (
            <option key={`${target.kind}:${target.name}`} value={target.name}>
              {target.active ? t(`restore:options.networkOption.${target.kind}`, { name: target.name }) : t(`restore:options.networkOptionInactive.${target.kind}`, { name: target.name })}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function NetworkFields(): ReactNode {
  const { t } = useTranslation(['restore']);
  const { restoreWizard } = useStores();
  const host = useStore(restoreWizard, (state) => chosenHost(state));
  const targets = useStore(restoreWizard, (state) => state.targets);
  if (host === null || targets === null) return null;
  const missing = missingNetworks(targets, host);
  if (missing.length === 0) return null;
  return (
    <fieldset className="choice-group network-map">
      <legend className="field-label">{t('restore:options.networksLegend')}</legend>
      <p className="field-hint">{t('restore:options.networksIntro', { host: host.label })}</p>
      {missing.map((network, index) => (
        <NetworkField key={network.from} network={network} first={index === 0} />
      ))}
    </fieldset>
  );
}

function StartField(): ReactNode {
  const { t } = useTranslation(['restore']);
  const { restoreWizard } = useStores();
  const start = useStore(restoreWizard, (state) => state.form.start);
  const setStart = useStore(restoreWizard, (state) => state.setStart);
  const hintId = useId();
  return (
    <div className="field switch-field">
      <label className="choice">
        <input
          type="checkbox"
          className="checkbox"
          checked={start}
          onChange={(event) => setStart(event.target.checked)}
          data-wizard-focus="start"
          aria-describedby={hintId}
        />
        <span className="field-label">{t('restore:options.startLabel')}</span>
      </label>
      <p className="field-hint" id={hintId}>
        {t('restore:options.startHint')}
      </p>
    </div>
  );
}

export function OptionsStep(): ReactNode {
  const { t } = useTranslation(['restore']);
  const stepError = useEngineError('options', null);
  return (
    <StepSection step="options" title={t('restore:stepHeading', { number: 3, name: t('restore:steps.options') })}>
      {stepError !== null ? <StepError title={t('restore:review.checkFailed')} error={stepError} /> : null}
      <ReplaceField />
      <NameField />
      <PoolField />
      <FormatField />
      <NetworkFields />
      <StartField />
    </StepSection>
  );
}
