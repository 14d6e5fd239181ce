// The add-cluster (and edit-cluster) dialog: a name, then one fieldset per host with the fields its transport
// needs, "Test connection" with the outcome shown in the host's own status line, and the host key confirmation
// step for SSH. Everything it shows and does goes through the add-cluster store; this file only lays it out and
// keeps focus where the user is (a control that disappears hands focus to the one that takes its place).
import { useEffect, useId, useMemo, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { useStore } from 'zustand';
import { KeyIcon, PlusIcon, WarningIcon } from '../../components/Icons.js';
import { Modal } from '../../components/Modal.js';
import { Field } from '../../components/Field.js';
import { ErrorNotice, LoadingNotice } from '../../components/Notices.js';
import { useMessages, type Messages } from '../../messages.js';
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

function fieldErrorText(field: HostField | 'name', error: FieldError, m: Messages): string {
  switch (error.kind) {
    case 'required':
      return m.addCluster.errors.required[field];
    case 'invalid':
      return m.addCluster.errors.invalid[field];
    case 'uri':
      return m.addCluster.errors.uri[error.problem];
    case 'engine':
      return error.message;
  }
}

function TestOutcome(props: { host: HostForm }): ReactNode {
  const m = useMessages();
  const a = m.addCluster;
  const test = props.host.test;
  switch (test.state) {
    case 'idle':
      return null;
    case 'testing':
      return (
        <span className="test-line test-pending">
          <span className="spinner" aria-hidden="true" />
          {a.testing}
        </span>
      );
    case 'ok':
      return <span className="test-line test-ok">{a.testOk(test.hostname, test.libvirtVersion, test.hypervisorVersion, test.vmCount)}</span>;
    // The key step below shows the details; the status line tells screen readers it is there.
    case 'host_key_unknown':
      return <span className="visually-hidden">{a.hostKeyUnknownStatus}</span>;
    case 'host_key_mismatch':
      return <span className="visually-hidden">{a.hostKeyMismatchStatus}</span>;
    case 'failed':
      return (
        <span className="test-line test-problem">
          {a.testFailed}{' '}
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
  const m = useMessages();
  const a = m.addCluster;
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
          {a.hostKeyUnknownTitle}
        </p>
        <p>{a.hostKeyPresents}</p>
        <p>
          <code className="fingerprint selectable">{test.fingerprint}</code>
        </p>
        <p>
          {a.hostKeyCheck.before}
          <code className="selectable">{a.hostKeyCheck.command}</code>
          {a.hostKeyCheck.after}
        </p>
        <button type="button" className="button button-primary" onClick={props.onTrust}>
          {a.trustHostKey}
        </button>
      </div>
    );
  }
  if (test.state === 'host_key_mismatch') {
    return (
      <div className="host-key host-key-mismatch" ref={box}>
        <p className="host-key-title">
          <WarningIcon />
          {a.hostKeyMismatchTitle}
        </p>
        <p>{a.hostKeyMismatchBody}</p>
        <dl className="fingerprints">
          <div>
            <dt>{a.expectedKey}</dt>
            <dd>
              <code className="fingerprint selectable">{test.expected}</code>
            </dd>
          </div>
          <div>
            <dt>{a.actualKey}</dt>
            <dd>
              <code className="fingerprint selectable">{test.actual}</code>
            </dd>
          </div>
        </dl>
        <p>{a.hostKeyMismatchAdvice}</p>
        <button type="button" className="button" onClick={props.onForget}>
          {a.forgetHostKey}
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
        {a.hostKeyConfirmed} <code className="fingerprint selectable">{pinned}</code>
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
  const m = useMessages();
  const a = m.addCluster;
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
    return problem ? fieldErrorText(field, problem, m) : null;
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
    host.hostError === null ? null : host.hostError.kind === 'host-key-needed' ? a.hostKeyNeeded : host.hostError.message;
  const secretHint = (base: string | undefined): string | undefined =>
    props.mode === 'edit' && keepsStoredSecret(host) ? a.storedSecretHint : base;
  const remote = host.transport !== 'unix';

  return (
    <fieldset className="host-fieldset">
      <legend>{a.hostLegend(index + 1)}</legend>
      {props.summary && props.summary.where !== '' ? <p className="host-where muted">{props.summary.where}</p> : null}

      <div className="field-grid">
        <Field label={a.transport}>
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
                  {a.transports[transport]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={a.hostLabel} hint={a.hostLabelHint} error={error('label')}>
          {(control) => <input {...control} className="input" autoComplete="off" {...text('label')} />}
        </Field>
      </div>

      {host.transport === 'tcp' ? (
        <p className="field-warning">
          <WarningIcon />
          <span>{a.tcpWarning}</span>
        </p>
      ) : null}

      {remote ? (
        <div className="field-grid field-grid-address">
          <Field label={a.address} hint={a.addressHint} error={error('address')}>
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
          <Field label={a.port} hint={a.portHint(DEFAULT_PORTS[host.transport as Exclude<HostTransport, 'unix'>])} error={error('port')}>
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
        <Field label={a.socketPath} hint={a.socketHint} error={error('socketPath')}>
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
            <Field label={a.userName} error={error('username')}>
              {(control) => <input {...control} className="input" autoComplete="off" spellCheck={false} {...text('username')} />}
            </Field>
            <Field label={a.authentication}>
              {(control) => (
                <select
                  {...control}
                  className="select"
                  value={host.auth}
                  onChange={(event) => setAuth(index, event.target.value === 'password' ? 'password' : 'key')}
                >
                  <option value="key">{a.auths.key}</option>
                  <option value="password">{a.auths.password}</option>
                </select>
              )}
            </Field>
          </div>
          {host.auth === 'key' ? (
            <div className="field-grid">
              <Field label={a.privateKeyFile} hint={a.privateKeyHint} error={error('keyPath')}>
                {(control) => <input {...control} className="input" autoComplete="off" spellCheck={false} {...text('keyPath')} />}
              </Field>
              <Field label={a.keyPassphrase} hint={secretHint(a.keyPassphraseHint)} error={error('secret')}>
                {(control) => <input {...control} type="password" className="input" autoComplete="off" {...text('secret')} />}
              </Field>
            </div>
          ) : (
            <Field label={a.password} hint={secretHint(undefined)} error={error('secret')} className="field-half">
              {(control) => <input {...control} type="password" className="input" autoComplete="off" {...text('secret')} />}
            </Field>
          )}
        </>
      ) : null}

      {host.transport === 'tls' ? (
        <div className="field-grid field-grid-3">
          <Field label={a.caFile} error={error('caPath')}>
            {(control) => <input {...control} className="input" autoComplete="off" spellCheck={false} {...text('caPath')} />}
          </Field>
          <Field label={a.certFile} error={error('certPath')}>
            {(control) => <input {...control} className="input" autoComplete="off" spellCheck={false} {...text('certPath')} />}
          </Field>
          <Field label={a.clientKeyFile} error={error('tlsKeyPath')}>
            {(control) => <input {...control} className="input" autoComplete="off" spellCheck={false} {...text('tlsKeyPath')} />}
          </Field>
        </div>
      ) : null}

      {host.libvirtUri !== DEFAULT_LIBVIRT_URI ? <p className="field-hint">{a.libvirtUriNote(host.libvirtUri)}</p> : null}
      {host.uriIgnored.length > 0 ? <p className="field-hint">{a.uriIgnored(host.uriIgnored)}</p> : null}

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
          {a.testConnection}
        </button>
        {props.canRemove ? (
          <button type="button" className="button button-quiet" onClick={onRemove}>
            {a.removeHost}
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
  const m = useMessages();
  const ref = useRef<HTMLDivElement>(null);
  // After a refused save, start the reader at what to fix.
  useEffect(() => {
    ref.current?.focus();
  }, [props.error]);
  if (props.error.kind === 'engine') {
    return (
      <div ref={ref} tabIndex={-1}>
        <ErrorNotice title={m.addCluster.saveFailed} error={props.error.error} />
      </div>
    );
  }
  return (
    <div ref={ref} tabIndex={-1} className="notice notice-error" role="alert">
      <p className="notice-title">{m.addCluster.saveFailed}</p>
      {props.error.fieldsToFix ? <p>{m.addCluster.fieldsToFix}</p> : null}
      {props.error.hostsNeedingKey.length > 0 ? <p>{m.addCluster.hostsNeedingKey(props.error.hostsNeedingKey)}</p> : null}
    </div>
  );
}

function DialogContent(props: { titleId: string }): ReactNode {
  const m = useMessages();
  const a = m.addCluster;
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
    if (outcome.ok) announce(outcome.mode === 'add' ? m.clusters.added(outcome.cluster.name) : m.clusters.saved(outcome.cluster.name));
  };

  const onAddHost = (): void => {
    addHost();
    const added = store.getState().hosts.at(-1);
    if (added) setFocusKey(added.key);
  };
  const onFocused = useMemo(() => () => setFocusKey(null), []);

  return (
    <form className="modal-body" noValidate onSubmit={(event) => void onSubmit(event)}>
      <h2 id={props.titleId}>{mode === 'add' ? a.titleAdd : a.titleEdit}</h2>
      <p className="muted">{a.intro}</p>
      {formError ? <FormErrorNotice error={formError} /> : null}

      {loadStatus === 'loading' ? <LoadingNotice>{a.loading}</LoadingNotice> : null}
      {loadStatus === 'error' && loadError ? (
        <ErrorNotice
          title={a.loadFailed}
          error={loadError}
          {...(clusterId === null ? {} : { onRetry: () => void openEdit(clusterId) })}
        />
      ) : null}

      {loadStatus === 'ready' ? (
        <>
          <Field label={a.clusterName} error={nameError ? fieldErrorText('name', nameError, m) : null} className="field-half">
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
          <h3 className="hosts-heading">{a.hostsHeading}</h3>
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
            {a.addHost}
          </button>
        </>
      ) : null}

      <div className="modal-actions">
        {loadStatus === 'ready' ? <p className="modal-summary muted">{a.summary(summary.hosts.length, summary.hostsNeedingKey.length)}</p> : null}
        <button type="button" className="button" onClick={close}>
          {m.common.cancel}
        </button>
        <button type="submit" className="button button-primary" aria-disabled={saving || loadStatus !== 'ready'}>
          {saving ? a.saving : a.save}
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
