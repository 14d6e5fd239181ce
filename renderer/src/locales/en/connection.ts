// The screen shown when the window cannot reach the engine.
export const connection = {
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
} as const;
