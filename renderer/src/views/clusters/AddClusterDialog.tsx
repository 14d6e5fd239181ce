// The add-cluster (and edit-cluster) dialog: a name, then one fieldset per host with the fields its transport
// needs, "Test connection" with the outcome shown in the host's own status line, and the host key confirmation
// step for SSH. Everything it shows and does goes through the add-cluster store; this file only lays it out and
// keeps focus where the user is (a control that disappears hands focus to the one that takes its place).
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { KeyIcon, PlusIcon, WarningIcon } from '../../components/Icons.js';
import { Modal } from '../../components/Modal.js';
import { Field } from '../../components/Field.js';
import { ErrorNotice, LoadingNotice } from '../../components/Notices.js';
import { useFormat } from '../../i18n/format.js';
import {
  DEFAULT_LIBVIRT_URI,
  DEFAULT_PORTS,
  HOST_TRANSPORTS,
  keepsStoredSecret,
  pinnedKeyOf,
  summarizeDialog,
  type FieldError,
  type FormError,
  type HostField,
  type HostForm,
  type HostSummary,
  type HostTransport,
} from '../../stores/add-cluster-store.js';
import { useStores } from '../../stores/index.js';

function fieldErrorText(field: HostField | 'name', error: FieldError, t: TFunction<['addCluster']>): string {
  switch (error.kind) {
    case 'required':
      return t(`addCluster:errors.required.${field}`);
    case 'invalid':
      return t(`addCluster:errors.invalid.${field}`);
    case 'uri':
      return t(`addCluster:errors.uri.${error.problem}`);
    case 'engine':
      return error.message;
  }
}

function TestOutcome(props: { host: HostForm }): ReactNode {
  const { t } = useTranslation(['addCluster', 'clusters', 'common']);
  const test = props.host.test;
  switch (test.state) {
    case 'idle':
      return null;
    case 'testing':
      return (
        <span className="test-line test-pending">
          <span className="spinner" aria-hidden="true" />
          {t('addCluster:testing')}
        </span>
      );
    case 'ok':
      return <span className="test-line test-ok">{t('addCluster:testOk', { hostname: test.hostname, libvirt: test.libvirtVersion, qemu: test.hypervisorVersion, count: test.vmCount })}</span>;
    // The key step below shows the details; the status line tells screen readers it is there.
    case 'host_key_unknown':
      return <span className="visually-hidden">{t('addCluster:hostKeyUnknownStatus')}</span>;
    case 'host_key_mismatch':
      return <span className="visually-hidden">{t('addCluster:hostKeyMismatchStatus')}</span>;
    case 'failed':
      return (
        <span className="test-line test-problem">
          {t('addCluster:testFailed')}{' '}
          <code className="selectable">
            {test.code}: {test.message}
          </code>
        </span>
      );
  }
}

function HostKeySteps(props: {
  host: HostForm;
  onTrust: () => void;
  onForget: () => void;
}): ReactNode {
  const { t } = useTranslation(['addCluster', 'clusters', 'common']);
  const { host } = props;
  const test = host.test;
  const box = useRef<HTMLDivElement>(null);
  // The key step appears below the button that led to it, often below the dialog's fold: bring it into view.
  useEffect(() => {
    if (test.state === 'host_key_unknown' || test.state === 'host_key_mismatch') box.current?.scrollIntoView({ block: 'nearest' });
  }, [test.state]);
  if (test.state === 'host_key_unknown') {
    return (
      <div className="host-key host-key-unknown" ref={box}>
        <p className="host-key-title">
          <KeyIcon />
          {t('addCluster:hostKeyUnknownTitle')}
        </p>
        <p>{t('addCluster:hostKeyPresents')}</p>
        <p>
          <code className="fingerprint selectable">{test.fingerprint}</code>
        </p>
        <p>
          {t('addCluster:hostKeyCheck.before')}
          <code className="selectable">{t('addCluster:hostKeyCheck.command')}</code>
          {t('addCluster:hostKeyCheck.after')}
        </p>
        <button type="button" className="button button-primary" onClick={props.onTrust}>
          {t('addCluster:trustHostKey')}
        </button>
      </div>
    );
  }
  if (test.state === 'host_key_mismatch') {
    return (
      <div className="host-key host-key-mismatch" ref={box}>
        <p className="host-key-title">
          <WarningIcon />
          {t('addCluster:hostKeyMismatchTitle')}
        </p>
        <p>{t('addCluster:hostKeyMismatchBody')}</p>
        <dl className="fingerprints">
          <div>
            <dt>{t('addCluster:expectedKey')}</dt>
            <dd>
              <code className="fingerprint selectable">{test.expected}</code>
            </dd>
          </div>
          <div>
            <dt>{t('addCluster:actualKey')}</dt>
            <dd>
              <code className="fingerprint selectable">{test.actual}</code>
            </dd>
          </div>
        </dl>
        <p>{t('addCluster:hostKeyMismatchAdvice')}</p>
        <button type="button" className="button" onClick={props.onForget}>
          {t('addCluster:forgetHostKey')}
        </button>
      </div>
    );
  }
  const pinned = pinnedKeyOf(host);
  if (pinned === null) return null;
  return (
    <p className="host-key-confirmed">
      <KeyIcon />
      <span>
        {t('addCluster:hostKeyConfirmed')} <code className="fingerprint selectable">{pinned}</code>
      </span>
    </p>
  );
}

function HostFieldset(props: {
  host: HostForm;
  index: number;
  summary: HostSummary | undefined;
  mode: 'add' | 'edit';
  canRemove: boolean;
  focusOnMount: boolean;
  onFocused: () => void;
  addHostButton: RefObject<HTMLButtonElement | null>;
}): ReactNode {
  const { t } = useTranslation(['addCluster', 'clusters', 'common']);
  const f = useFormat();
  const { addCluster: store } = useStores();
  const setHostField = useStore(store, (state) => state.setHostField);
  const setTransport = useStore(store, (state) => state.setTransport);
  const setAuth = useStore(store, (state) => state.setAuth);
  const commitAddress = useStore(store, (state) => state.commitAddress);
  const testHost = useStore(store, (state) => state.testHost);
  const trustHostKey = useStore(store, (state) => state.trustHostKey);
  const forgetHostKey = useStore(store, (state) => state.forgetHostKey);
  const removeHost = useStore(store, (state) => state.removeHost);
  const { host, index } = props;
  const firstField = useRef<HTMLSelectElement>(null);
  const testButton = useRef<HTMLButtonElement>(null);
  const hostErrorId = useId();
  const { focusOnMount, onFocused } = props;

  useEffect(() => {
    if (!focusOnMount) return;
    firstField.current?.focus();
    onFocused();
  }, [focusOnMount, onFocused]);

  const error = (field: HostField): string | null => {
    const problem = host.errors[field];
    return problem ? fieldErrorText(field, problem, t) : null;
  };
  const text = (field: HostField) => ({
    value: host[field],
    onChange: (event: { target: { value: string } }) => setHostField(index, field, event.target.value),
  });

  // The buttons of the key step go away once used; focus moves to "Test connection", which stays.
  const onTrust = (): void => {
    testButton.current?.focus();
    void trustHostKey(index);
  };
  const onForget = (): void => {
    testButton.current?.focus();
    forgetHostKey(index);
  };
  const onRemove = (): void => {
    props.addHostButton.current?.focus();
    removeHost(index);
  };

  const hostError =
    host.hostError === null ? null : host.hostError.kind === 'host-key-needed' ? t('addCluster:hostKeyNeeded') : host.hostError.message;
  const secretHint = (base: string | undefined): string | undefined =>
    props.mode === 'edit' && keepsStoredSecret(host) ? t('addCluster:storedSecretHint') : base;
  const remote = host.transport !== 'unix';

  return (
    <fieldset className="host-fieldset">
      <legend>{t('addCluster:hostLegend', { number: index + 1 })}</legend>
      {props.summary && props.summary.where !== '' ? <p className="host-where muted">{props.summary.where}</p> : null}

      <div className="field-grid">
        <Field label={t('addCluster:transport')}>
          {(control) => (
            <select
              {...control}
              ref={firstField}
              className="select"
              value={host.transport}
              onChange={(event) => setTransport(index, event.target.value as HostTransport)}
            >
              {HOST_TRANSPORTS.map((transport) => (
                <option key={transport} value={transport}>
                  {t(`addCluster:transports.${transport}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('addCluster:hostLabel')} hint={t('addCluster:hostLabelHint')} error={error('label')}>
          {(control) => <input {...control} className="input" autoComplete="off" {...text('label')} />}
        </Field>
      </div>

      {host.transport === 'tcp' ? (
        <p className="field-warning">
          <WarningIcon />
          <span>{t('addCluster:tcpWarning')}</span>
        </p>
      ) : null}

      {remote ? (
        <div className="field-grid field-grid-address">
          <Field label={t('addCluster:address')} hint={t('addCluster:addressHint')} error={error('address')}>
            {(control) => (
              <input
                {...control}
                className="input"
                autoComplete="off"
                spellCheck={false}
                {...text('address')}
                onBlur={() => commitAddress(index, 'address')}
              />
            )}
          </Field>
          <Field label={t('addCluster:port')} hint={t('addCluster:portHint', { port: DEFAULT_PORTS[host.transport as Exclude<HostTransport, 'unix'>] })} error={error('port')}>
            {(control) => (
              <input
                {...control}
                className="input input-port"
                inputMode="numeric"
                autoComplete="off"
                placeholder={String(DEFAULT_PORTS[host.transport as Exclude<HostTransport, 'unix'>])}
                {...text('port')}
              />
            )}
          </Field>
        </div>
      ) : (
        <Field label={t('addCluster:socketPath')} hint={t('addCluster:socketHint')} error={error('socketPath')}>
          {(control) => (
            <input
              {...control}
              className="input"
              autoComplete="off"
              spellCheck={false}
              {...text('socketPath')}
              onBlur={() => commitAddress(index, 'socketPath')}
            />
          )}
        </Field>
      )}

      {host.transport === 'ssh' ? (
        <>
          <div className="field-grid">
            <Field label={t('addCluster:userName')} error={error('username')}>
              {(control) => <input {...control} className="input" autoComplete="off" spellCheck={false} {...text('username')} />}
            </Field>
            <Field label={t('addCluster:authentication')}>
              {(control) => (
                <select
                  {...control}
                  className="select"
                  value={host.auth}
                  onChange={(event) => setAuth(index, event.target.value === 'password' ? 'password' : 'key')}
                >
                  <option value="key">{t('addCluster:auths.key')}</option>
                  <option value="password">{t('addCluster:auths.password')}</option>
                </select>
              )}
            </Field>
          </div>
          {host.auth === 'key' ? (
            <div className="field-grid">
              <Field label={t('addCluster:privateKeyFile')} hint={t('addCluster:privateKeyHint')} error={error('keyPath')}>
                {(control) => <input {...control} className="input" autoComplete="off" spellCheck={false} {...text('keyPath')} />}
              </Field>
              <Field label={t('addCluster:keyPassphrase')} hint={secretHint(t('addCluster:keyPassphraseHint'))} error={error('secret')}>
                {(control) => <input {...control} type="password" className="input" autoComplete="off" {...text('secret')} />}
              </Field>
            </div>
          ) : (
            <Field label={t('addCluster:password')} hint={secretHint(undefined)} error={error('secret')} className="field-half">
              {(control) => <input {...control} type="password" className="input" autoComplete="off" {...text('secret')} />}
            </Field>
          )}
        </>
      ) : null}

      {host.transport === 'tls' ? (
        <div className="field-grid field-grid-3">
          <Field label={t('addCluster:caFile')} error={error('caPath')}>
            {(control) => <input {...control} className="input" autoComplete="off" spellCheck={false} {...text('caPath')} />}
          </Field>
          <Field label={t('addCluster:certFile')} error={error('certPath')}>
            {(control) => <input {...control} className="input" autoComplete="off" spellCheck={false} {...text('certPath')} />}
          </Field>
          <Field label={t('addCluster:clientKeyFile')} error={error('tlsKeyPath')}>
            {(control) => <input {...control} className="input" autoComplete="off" spellCheck={false} {...text('tlsKeyPath')} />}
          </Field>
        </div>
      ) : null}

      {host.libvirtUri !== DEFAULT_LIBVIRT_URI ? <p className="field-hint">{t('addCluster:libvirtUriNote', { uri: host.libvirtUri })}</p> : null}
      {host.uriIgnored.length > 0 ? <p className="field-hint">{t('addCluster:uriIgnored', { parts: f.list(host.uriIgnored) })}</p> : null}

      {hostError ? (
        <p className="field-error" id={hostErrorId}>
          <WarningIcon />
          <span>{hostError}</span>
        </p>
      ) : null}

      <div className="host-test">
        <button
          type="button"
          className="button"
          ref={testButton}
          aria-disabled={host.test.state === 'testing'}
          aria-describedby={hostError ? hostErrorId : undefined}
          onClick={() => void testHost(index)}
        >
          {t('addCluster:testConnection')}
        </button>
        {props.canRemove ? (
          <button type="button" className="button button-quiet" onClick={onRemove}>
            {t('addCluster:removeHost')}
          </button>
        ) : null}
      </div>
      {/* Always present, so screen readers hear each new outcome of "Test connection". */}
      <p className="host-test-status" role="status" aria-live="polite">
        <TestOutcome host={host} />
      </p>
      <HostKeySteps host={host} onTrust={onTrust} onForget={onForget} />
    </fieldset>
  );
}

function FormErrorNotice(props: { error: FormError }): ReactNode {
  const { t } = useTranslation(['addCluster', 'clusters', 'common']);
  const f = useFormat();
  const ref = useRef<HTMLDivElement>(null);
  // After a refused save, start the reader at what to fix.
  useEffect(() => {
    ref.current?.focus();
  }, [props.error]);
  if (props.error.kind === 'engine') {
    return (
      <div ref={ref} tabIndex={-1}>
        <ErrorNotice title={t('addCluster:saveFailed')} error={props.error.error} />
      </div>
    );
  }
  return (
    <div ref={ref} tabIndex={-1} className="notice notice-error" role="alert">
      <p className="notice-title">{t('addCluster:saveFailed')}</p>
      {props.error.fieldsToFix ? <p>{t('addCluster:fieldsToFix')}</p> : null}
      {props.error.hostsNeedingKey.length > 0 ? <p>{t('addCluster:hostsNeedingKey', { count: props.error.hostsNeedingKey.length, hosts: f.list(props.error.hostsNeedingKey.map(String)) })}</p> : null}
    </div>
  );
}

function DialogContent(props: { titleId: string }): ReactNode {
  const { t } = useTranslation(['addCluster', 'clusters', 'common']);
  const { addCluster: store, status } = useStores();
  const mode = useStore(store, (state) => state.mode);
  const clusterId = useStore(store, (state) => state.clusterId);
  const loadStatus = useStore(store, (state) => state.loadStatus);
  const loadError = useStore(store, (state) => state.loadError);
  const name = useStore(store, (state) => state.name);
  const nameError = useStore(store, (state) => state.nameError);
  const hosts = useStore(store, (state) => state.hosts);
  const formError = useStore(store, (state) => state.formError);
  const saving = useStore(store, (state) => state.saving);
  const setName = useStore(store, (state) => state.setName);
  const addHost = useStore(store, (state) => state.addHost);
  const openEdit = useStore(store, (state) => state.openEdit);
  const close = useStore(store, (state) => state.close);
  const save = useStore(store, (state) => state.save);
  const announce = useStore(status, (state) => state.announce);
  const nameInput = useRef<HTMLInputElement>(null);
  const addHostButton = useRef<HTMLButtonElement>(null);
  const [focusKey, setFocusKey] = useState<number | null>(null);
  const summary = useMemo(() => summarizeDialog({ mode, name, hosts }), [mode, name, hosts]);

  // When editing, the fields appear once the cluster is loaded: start there.
  useEffect(() => {
    if (loadStatus === 'ready') nameInput.current?.focus();
  }, [loadStatus]);

  const onSubmit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (saving) return;
    const outcome = await save();
    if (outcome.ok) announce(outcome.mode === 'add' ? t('clusters:added', { name: outcome.cluster.name }) : t('clusters:saved', { name: outcome.cluster.name }));
  };

  const onAddHost = (): void => {
    addHost();
    const added = store.getState().hosts.at(-1);
    if (added) setFocusKey(added.key);
  };
  const onFocused = useMemo(() => () => setFocusKey(null), []);

  return (
    <form className="modal-body" noValidate onSubmit={(event) => void onSubmit(event)}>
      <h2 id={props.titleId}>{mode === 'add' ? t('addCluster:titleAdd') : t('addCluster:titleEdit')}</h2>
      <p className="muted">{t('addCluster:intro')}</p>
      {formError ? <FormErrorNotice error={formError} /> : null}

      {loadStatus === 'loading' ? <LoadingNotice>{t('addCluster:loading')}</LoadingNotice> : null}
      {loadStatus === 'error' && loadError ? (
        <ErrorNotice
          title={t('addCluster:loadFailed')}
          error={loadError}
          {...(clusterId === null ? {} : { onRetry: () => void openEdit(clusterId) })}
        />
      ) : null}

      {loadStatus === 'ready' ? (
        <>
          <Field label={t('addCluster:clusterName')} error={nameError ? fieldErrorText('name', nameError, t) : null} className="field-half">
            {(control) => (
              <input
                {...control}
                ref={nameInput}
                className="input"
                autoComplete="off"
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            )}
          </Field>
          <h3 className="hosts-heading">{t('addCluster:hostsHeading')}</h3>
          {hosts.map((host, index) => (
            <HostFieldset
              key={host.key}
              host={host}
              index={index}
              summary={summary.hosts[index]}
              mode={mode}
              canRemove={hosts.length > 1}
              focusOnMount={focusKey === host.key}
              onFocused={onFocused}
              addHostButton={addHostButton}
            />
          ))}
          <button type="button" className="button" ref={addHostButton} onClick={onAddHost}>
            <PlusIcon />
            {t('addCluster:addHost')}
          </button>
        </>
      ) : null}

      <div className="modal-actions">
        {loadStatus === 'ready' ? <p className="modal-summary muted">{summary.hostsNeedingKey.length === 0
              ? t('addCluster:summary', { count: summary.hosts.length })
              : t('addCluster:summaryNeedingKey', { count: summary.hosts.length, needingKey: summary.hostsNeedingKey.length })}</p> : null}
        <button type="button" className="button" onClick={close}>
          {t('common:cancel')}
        </button>
        <button type="submit" className="button button-primary" aria-disabled={saving || loadStatus !== 'ready'}>
          {saving ? t('addCluster:saving') : t('addCluster:save')}
        </button>
      </div>
    </form>
  );
}

export function AddClusterDialog(): ReactNode {
  const { addCluster: store } = useStores();
  const open = useStore(store, (state) => state.open);
  const close = useStore(store, (state) => state.close);
  const titleId = useId();
  return (
    <Modal open={open} onDismiss={close} labelledBy={titleId} className="modal-wide">
      <DialogContent titleId={titleId} />
    </Modal>
  );
}
