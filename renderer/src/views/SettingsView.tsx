import { useId, type ChangeEvent, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { LANGUAGES, THEMES, type Settings } from '../../../shared/model/settings.js';
import { ErrorNotice, LoadingNotice } from '../components/Notices.js';
import { ViewHeading } from '../components/ViewHeading.js';
import { useMessages } from '../messages.js';
import { useStores } from '../stores/index.js';
import { BackupPreferencesSection } from './settings/BackupPreferencesSection.js';
import { MaintenanceSection } from './settings/MaintenanceSection.js';
import { RepositorySection } from './settings/RepositorySection.js';

function isTheme(value: string): value is Settings['theme'] {
  return (THEMES as readonly string[]).includes(value);
}

function isLanguage(value: string): value is Settings['language'] {
  return (LANGUAGES as readonly string[]).includes(value);
}

function PreferencesSection(): ReactNode {
  const m = useMessages();
  const { settings: store, status: statusStore } = useStores();
  const settings = useStore(store, (state) => state.settings);
  const status = useStore(store, (state) => state.status);
  const loadError = useStore(store, (state) => state.loadError);
  const saving = useStore(store, (state) => state.saving);
  // A refused change of the backup settings is shown by their own section.
  const saveError = useStore(store, (state) =>
    state.saveErrorKeys.some((key) => key === 'theme' || key === 'language') ? state.saveError : null,
  );
  const watchError = useStore(store, (state) => state.watchError);
  const load = useStore(store, (state) => state.load);
  const update = useStore(store, (state) => state.update);
  const announce = useStore(statusStore, (state) => state.announce);
  const headingId = useId();
  const themeId = useId();
  const themeHintId = useId();
  const languageId = useId();
  const languageHintId = useId();

  const onThemeChange = async (event: ChangeEvent<HTMLSelectElement>): Promise<void> => {
    const theme = event.target.value;
    if (!isTheme(theme)) return;
    if (await update({ theme })) announce(m.settings.themeSaved(m.settings.themes[theme]));
  };
  const onLanguageChange = async (event: ChangeEvent<HTMLSelectElement>): Promise<void> => {
    const language = event.target.value;
    if (!isLanguage(language)) return;
    if (await update({ language })) announce(m.settings.languageSaved(m.settings.languages[language]));
  };

  let content: ReactNode;
  if (settings === null) {
    content =
      status === 'error' && loadError ? (
        <ErrorNotice title={m.settings.loadFailed} error={loadError} onRetry={() => void load()} />
      ) : (
        <LoadingNotice>{m.settings.loading}</LoadingNotice>
      );
  } else {
    // Until the translation lands, say so to whoever asked for Japanese, directly or through their system.
    const wantsJapanese =
      settings.language === 'ja' || (settings.language === 'system' && navigator.language.toLowerCase().startsWith('ja'));
    content = (
      <>
        <div className="field">
          <label className="field-label" htmlFor={themeId}>
            {m.settings.themeLabel}
          </label>
          <select
            id={themeId}
            className="select"
            value={settings.theme}
            aria-describedby={themeHintId}
            onChange={(event) => void onThemeChange(event)}
          >
            {THEMES.map((theme) => (
              <option key={theme} value={theme}>
                {m.settings.themes[theme]}
              </option>
            ))}
          </select>
          <p className="field-hint" id={themeHintId}>
            {m.settings.themeHint}
          </p>
        </div>
        <div className="field">
          <label className="field-label" htmlFor={languageId}>
            {m.settings.languageLabel}
          </label>
          <select
            id={languageId}
            className="select"
            value={settings.language}
            aria-describedby={wantsJapanese ? languageHintId : undefined}
            onChange={(event) => void onLanguageChange(event)}
          >
            {LANGUAGES.map((language) => (
              <option key={language} value={language} lang={m.settings.languageTags[language]}>
                {m.settings.languages[language]}
              </option>
            ))}
          </select>
          {wantsJapanese ? (
            <p className="field-hint" id={languageHintId}>
              {m.settings.languageHint}
            </p>
          ) : null}
        </div>
        {saving ? <p className="muted">{m.settings.saving}</p> : null}
        {saveError ? <ErrorNotice title={m.settings.saveFailed} error={saveError} /> : null}
        {watchError ? <p className="muted">{m.settings.watchFailed}</p> : null}
      </>
    );
  }

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{m.settings.preferencesHeading}</h2>
      {content}
    </section>
  );
}

function AboutSection(): ReactNode {
  const m = useMessages();
  const { app } = useStores();
  const info = useStore(app, (state) => state.info);
  const infoStatus = useStore(app, (state) => state.infoStatus);
  const infoError = useStore(app, (state) => state.infoError);
  const loadInfo = useStore(app, (state) => state.loadInfo);
  const headingId = useId();

  let content: ReactNode;
  if (info !== null) {
    content = (
      <dl className="facts">
        <div>
          <dt>{m.settings.version}</dt>
          <dd>{info.version}</dd>
        </div>
        <div>
          <dt>{m.settings.mode}</dt>
          <dd>{m.settings.modes[info.mode]}</dd>
        </div>
        <div>
          <dt>{m.settings.dataFolder}</dt>
          <dd>
            <code className="selectable">{info.dataDir}</code>
          </dd>
        </div>
        <div>
          <dt>{m.settings.catalogSchemaVersion}</dt>
          <dd>{info.catalogSchemaVersion}</dd>
        </div>
      </dl>
    );
  } else if (infoStatus === 'error' && infoError) {
    content = <ErrorNotice title={m.settings.aboutFailed} error={infoError} onRetry={() => void loadInfo()} />;
  } else {
    content = <LoadingNotice>{m.settings.aboutLoading}</LoadingNotice>;
  }

  return (
    <section className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{m.settings.aboutHeading}</h2>
      {content}
    </section>
  );
}

export function SettingsView(): ReactNode {
  const m = useMessages();
  return (
    <>
      <ViewHeading>{m.views.settings}</ViewHeading>
      <PreferencesSection />
      <BackupPreferencesSection />
      <RepositorySection />
      <MaintenanceSection />
      <AboutSection />
    </>
  );
}
