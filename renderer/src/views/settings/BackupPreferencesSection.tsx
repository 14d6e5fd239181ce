// Backup settings that apply everywhere: how many VM backups run at once (in all, per host, per cluster), a
// notification when a job ends, and whether Lifeboat keeps running in the tray (so schedules run). The limits are
// typed and saved together; the two switches save as they change, like the theme.
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { Settings } from '../../../../shared/model/settings.js';
import { Field } from '../../components/Field.js';
import { ErrorNotice } from '../../components/Notices.js';
import { useTranslation } from 'react-i18next';
import { useStores } from '../../stores/index.js';
import {
  CONCURRENCY_FIELDS,
  concurrencyFormOf,
  concurrencyFromForm,
  concurrencyRange,
  type ConcurrencyField,
  type ConcurrencyForm,
} from '../../stores/settings-store.js';

function ConcurrencyFields(props: { settings: Settings }): ReactNode {
  const { t } = useTranslation(['settings', 'common']);
  const { settings: store, status } = useStores();
  const update = useStore(store, (state) => state.update);
  const announce = useStore(status, (state) => state.announce);
  /** What the user typed; null shows the saved limits (and follows changes from other windows). */
  const [draft, setDraft] = useState<ConcurrencyForm | null>(null);
  const [invalid, setInvalid] = useState<readonly ConcurrencyField[]>([]);
  const [saving, setSaving] = useState(false);
  const form = draft ?? concurrencyFormOf(props.settings.concurrency);

  const onChange = (field: ConcurrencyField, value: string): void => {
    const next = { ...form, [field]: value };
    setDraft(next);
    // Problems shown go as soon as the input fixes them.
    if (invalid.length > 0) {
      const checked = concurrencyFromForm(next);
      setInvalid(checked.ok ? [] : checked.invalid.filter((name) => invalid.includes(name) || name === field));
    }
  };

  const onSubmit = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (saving) return;
    const checked = concurrencyFromForm(form);
    if (!checked.ok) {
      setInvalid(checked.invalid);
      return;
    }
    setInvalid([]);
    setSaving(true);
    const saved = await update({ concurrency: checked.concurrency });
    setSaving(false);
    if (saved) {
      setDraft(null);
      announce(t('settings:concurrencySaved'));
    }
  };

  return (
    <form className="concurrency-form" noValidate onSubmit={(event) => void onSubmit(event)}>
      <fieldset className="choice-group">
        <legend className="field-label">{t('settings:concurrencyLegend')}</legend>
        <div className="field-grid field-grid-3">
          {CONCURRENCY_FIELDS.map((field) => {
            const { min, max } = concurrencyRange(field);
            return (
              <Field
                key={field}
                label={t(`settings:concurrencyLabels.${field}`)}
                hint={t(`settings:concurrencyHints.${field}`)}
                error={invalid.includes(field) ? t('settings:concurrencyProblem', { min, max }) : null}
              >
                {(control) => (
                  <input
                    {...control}
                    className="input input-count"
                    inputMode="numeric"
                    autoComplete="off"
                    value={form[field]}
                    onChange={(event) => onChange(field, event.target.value)}
                  />
                )}
              </Field>
            );
          })}
        </div>
      </fieldset>
      <button type="submit" className="button" aria-disabled={saving}>
        {saving ? t('common:saving') : t('settings:concurrencySave')}
      </button>
    </form>
  );
}

function SettingSwitch(props: { label: string; hint: string; checked: boolean; onChange: (checked: boolean) => void }): ReactNode {
  const id = useId();
  const hintId = useId();
  return (
    <div className="field switch-field">
      <label className="choice" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          className="checkbox"
          checked={props.checked}
          aria-describedby={hintId}
          onChange={(event) => props.onChange(event.target.checked)}
        />
        <span className="field-label">{props.label}</span>
      </label>
      <p className="field-hint" id={hintId}>
        {props.hint}
      </p>
    </div>
  );
}

export function BackupPreferencesSection(): ReactNode {
  const { t } = useTranslation(['settings', 'common']);
  const { settings: store, status } = useStores();
  const settings = useStore(store, (state) => state.settings);
  const saveError = useStore(store, (state) =>
    state.saveErrorKeys.some((key) => key === 'concurrency' || key === 'notifyOnJobEnd' || key === 'keepRunningInTray')
      ? state.saveError
      : null,
  );
  const update = useStore(store, (state) => state.update);
  const announce = useStore(status, (state) => state.announce);
  const headingId = useId();
  // Loading and load errors are shown once, by the Preferences section above.
  if (settings === null) return null;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('settings:backupsHeading')}</h2>
      <ConcurrencyFields settings={settings} />
      <SettingSwitch
        label={t('settings:notifyLabel')}
        hint={t('settings:notifyHint')}
        checked={settings.notifyOnJobEnd}
        onChange={(on) => void update({ notifyOnJobEnd: on }).then((saved) => saved && announce(on ? t('settings:notifyOn') : t('settings:notifyOff')))}
      />
      <SettingSwitch
        label={t('settings:trayLabel')}
        hint={t('settings:trayHint')}
        checked={settings.keepRunningInTray}
        onChange={(on) => void update({ keepRunningInTray: on }).then((saved) => saved && announce(on ? t('settings:trayOn') : t('settings:trayOff')))}
      />
      {saveError ? <ErrorNotice title={t('settings:saveFailed')} error={saveError} /> : null}
    </section>
  );
}
