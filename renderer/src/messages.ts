// Every string the renderer shows, in one place, so translation (English + Japanese through an i18n library) can
// replace this module without hunting through components. Messages that embed values are functions, so each
// language can order the parts its own way.
import type { ErrorCode } from '../../shared/ipc/errors.js';
import type { AppInfo } from '../../shared/model/app-info.js';
import type { JobSummary } from '../../shared/model/job.js';
import type { Settings } from '../../shared/model/settings.js';
import type { ViewName } from './stores/navigation-store.js';

/** The locale dates and numbers are formatted in; it goes with the language of the strings. */
const LOCALE = 'en';

const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' });

function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

export const en = {
  locale: LOCALE,
  formatDateTime,

  app: {
    name: 'Lifeboat',
    skipToMain: 'Skip to main content',
    navigationLabel: 'Main',
    documentTitle: (viewTitle: string) => `${viewTitle} – Lifeboat`,
  },

  views: {
    clusters: 'Clusters',
    jobs: 'Jobs',
    'restore-points': 'Restore points',
    settings: 'Settings',
  } satisfies Record<ViewName, string>,

  common: {
    tryAgain: 'Try again',
    engineSaid: 'Details',
  },

  /** What an error code means for the user; the engine's own message is shown after it as the detail. */
  errors: {
    invalid_message: 'The engine could not read a request from this window.',
    invalid_params: 'The engine refused a request from this window as invalid.',
    unknown_method: 'This window asked the engine for something it does not offer. The app may be out of date.',
    unknown_topic: 'This window asked the engine for updates it does not offer. The app may be out of date.',
    cancelled: 'The request was cancelled.',
    timeout: 'The engine took too long to answer.',
    not_found: 'The engine could not find what was asked for.',
    conflict: 'The request conflicts with something else going on. Try again in a moment.',
    unavailable: 'Something the engine needs is not available right now.',
    transport_closed: 'The connection to the engine is closed.',
    internal: 'Something went wrong inside Lifeboat. The log has the details.',
  } satisfies Record<ErrorCode, string>,

  clusters: {
    loading: 'Loading clusters…',
    loadFailed: 'The clusters could not be loaded.',
    emptyTitle: 'No clusters yet',
    emptyBody: 'Add a cluster to start backing up its VMs.',
    emptyNotYet: 'Adding a cluster is not available in this version of Lifeboat yet.',
    tableCaption: 'Clusters',
    columnName: 'Name',
    columnHosts: 'Hosts',
    columnAdded: 'Added',
  },

  jobs: {
    loading: 'Loading jobs…',
    loadFailed: 'The jobs could not be loaded.',
    emptyTitle: 'No jobs yet',
    emptyBody: 'Backups, restores and repository checks appear here once they run, newest first.',
    tableCaption: 'Jobs, newest first',
    columnTitle: 'Job',
    columnKind: 'Kind',
    columnState: 'State',
    columnCreated: 'Created',
    columnFinished: 'Finished',
    notFinished: 'Not finished',
    kinds: {
      backup: 'Backup',
      restore: 'Restore',
      verify: 'Verify',
      prune: 'Prune',
    } satisfies Record<JobSummary['kind'], string>,
    states: {
      queued: 'Queued',
      running: 'Running',
      succeeded: 'Succeeded',
      partial: 'Partly succeeded',
      failed: 'Failed',
      cancelled: 'Cancelled',
    } satisfies Record<JobSummary['state'], string>,
  },

  restorePoints: {
    emptyTitle: 'No restore points yet',
    emptyBody:
      'Backups are kept in a repository: a folder on this computer or on a network share (NAS). ' +
      'Once a repository is set up and a backup has run, the restore points of each VM are listed here.',
  },

  settings: {
    loading: 'Loading settings…',
    loadFailed: 'The settings could not be loaded.',
    preferencesHeading: 'Preferences',
    themeLabel: 'Theme',
    themes: {
      system: 'System',
      light: 'Light',
      dark: 'Dark',
    } satisfies Record<Settings['theme'], string>,
    themeHint: 'System follows the light or dark mode of your computer.',
    languageLabel: 'Language',
    languages: {
      system: 'System',
      en: 'English',
      ja: '日本語',
    } satisfies Record<Settings['language'], string>,
    /** The language each option is written in, so screen readers pronounce it right. */
    languageTags: {
      system: undefined,
      en: 'en',
      ja: 'ja',
    } satisfies Record<Settings['language'], string | undefined>,
    languageHint: 'The Japanese translation is in progress; until it is ready, Lifeboat is shown in English.',
    saving: 'Saving…',
    saveFailed: 'The change could not be saved.',
    watchFailed: 'Changes made in other windows will not show here until this window is reloaded.',
    themeSaved: (theme: string) => `Theme set to ${theme}.`,
    languageSaved: (language: string) => `Language set to ${language}.`,
    aboutHeading: 'About Lifeboat',
    aboutLoading: 'Loading version information…',
    aboutFailed: 'The version information could not be loaded.',
    version: 'Version',
    mode: 'Mode',
    modes: {
      desktop: 'Desktop app',
      headless: 'Headless server, in a browser',
    } satisfies Record<AppInfo['mode'], string>,
    dataFolder: 'Data folder',
    catalogSchemaVersion: 'Catalog schema version',
  },

  connection: {
    title: 'Lifeboat cannot reach its engine',
    missingTokenTitle: 'This page needs its access token',
    missingTokenHelp:
      'Open the full address that “lifeboat serve” printed when it started, including the part after #token=. ' +
      'Each start of the server prints a new address.',
    startFailedHelp: 'Reload the window. If the problem stays, restart Lifeboat.',
    lostHelpDesktop:
      'The window lost its connection to the part of Lifeboat that runs backups. Reload the window; if that does ' +
      'not help, restart Lifeboat. Backups that were running go on in the engine if it is still running.',
    lostHelpHeadless:
      'Check that “lifeboat serve” is still running, then reload this page. If the server was restarted, open ' +
      'the new address it printed: each start has a new access token.',
    reload: 'Reload',
    detailsLabel: 'Technical details',
    copyDetails: 'Copy details',
    copied: 'Details copied to the clipboard.',
    copyFailed: 'Copying did not work. Select the text in the box and copy it.',
    detail: {
      code: 'Code',
      message: 'Message',
      transport: 'Transport',
      time: 'Time',
    },
  },
};

export type Messages = typeof en;

/**
 * The messages of the language this window shows. Components ask through this function rather than importing
 * `en`, so switching languages later is a change here (reading the language setting), not in every component.
 */
export function useMessages(): Messages {
  return en;
}
