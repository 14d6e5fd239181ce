// Strings of the app frame and words every screen uses.
export const common = {
  appName: 'Lifeboat',
  skipToMain: 'Skip to main content',
  navigationLabel: 'Main',
  documentTitle: '{{view}} – Lifeboat',
  views: {
    dashboard: 'Dashboard',
    clusters: 'Clusters',
    jobs: 'Jobs',
    'restore-points': 'Restore points',
    settings: 'Settings',
  },
  tryAgain: 'Try again',
  engineSaid: 'Details',
  cancel: 'Cancel',
  close: 'Close',
  dismiss: 'Dismiss',
  save: 'Save',
  saving: 'Saving…',
  unknown: 'Unknown',
  warning: 'Warning',
  copyFailed: 'Copying did not work. Select the text and copy it.',
  /** An engine error's code and reason, and "Copy details" (components/Notices.tsx). */
  errorDetails: {
    copy: 'Copy details',
    copyLabel: 'Copy details: {{title}}',
    copied: 'Details copied to the clipboard.',
    code: 'Code: {{code}}',
    codeWithReason: 'Code: {{code}} ({{reason}})',
  },
  /** Durations as people say them, put together by the `duration` formatter: `40 s`, `3 min`, `1 h 20 min`. */
  duration: {
    seconds: '{{seconds}} s',
    minutes: '{{minutes}} min',
    hours: '{{hours}} h',
    hoursMinutes: '{{hours}} h {{minutes}} min',
  },
} as const;
