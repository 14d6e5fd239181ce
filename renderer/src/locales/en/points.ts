// The Restore points view: the repository's points grouped by cluster and VM.
export const points = {
  loading: 'Loading restore points…',
  loadFailed: 'The restore points could not be loaded.',
  watchFailed: 'New restore points will not show here until this window is reloaded.',
  noRepositoryTitle: 'No repository yet',
  noRepositoryBody:
    'Backups are kept in a repository: a folder on this computer or on a network share (NAS). Choose or create one in Settings.',
  openSettings: 'Open Settings',
  filterLabel: 'Filter by VM name',
  noMatch: 'No VM with “{{filter}}” in its name has restore points.',
  /** `points` and `vms` are `pointCount` and `vmCount`: `12 restore points of 3 VMs.` */
  summary: '{{points}} of {{vms}}.',
  pointCount_one: '{{count, number}} restore point',
  pointCount_other: '{{count, number}} restore points',
  vmCount_one: '{{count, number}} VM',
  vmCount_other: '{{count, number}} VMs',
  unknownCluster: 'Unknown cluster',
  notInCatalog: 'This cluster is no longer in Lifeboat; its restore points are kept.',
  caption: 'Restore points of {{vm}}, newest first',
  columnTaken: 'Taken',
  columnType: 'Type',
  columnAdded: 'Added to the repository',
  columnHost: 'Backed up from',
  columnDisks: 'Disks',
  types: {
    full: 'Full',
    incremental: 'Incremental',
  },
  disk: '{{target}} {{capacity}}',
  damagedTitle_one: '1 restore point could not be read',
  damagedTitle_other: '{{count, number}} restore points could not be read',
  damagedBody: 'Their files in the repository are damaged. Verify the repository in Settings to check the rest.',
  damagedEntry: '{{path}}: {{message}}',
  /** `vms` is `vmCount`. */
  unknownClusterFacts: '{{vms}} · cluster {{clusterId}}',
  emptyTitle: 'No restore points yet',
  emptyBody:
    'Backups are kept in a repository: a folder on this computer or on a network share (NAS). ' +
    'Once a repository is set up and a backup has run, the restore points of each VM are listed here.',
} as const;
