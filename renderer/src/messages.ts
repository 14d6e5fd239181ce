// Every string the renderer shows, in one place, so translation (English + Japanese through an i18n library) can
// replace this module without hunting through components. Messages that embed values are functions, so each
// language can order the parts its own way.
import type { ErrorCode } from '../../shared/ipc/errors.js';
import type { AppInfo } from '../../shared/model/app-info.js';
import type { JobItemState, JobPhase, JobSummary } from '../../shared/model/job.js';
import type { PointSummary } from '../../shared/model/point.js';
import type { RepositoryStatus } from '../../shared/model/repository.js';
import type { RetentionReason } from '../../shared/model/retention.js';
import type { Concurrency, Settings } from '../../shared/model/settings.js';
import type { VmState } from '../../shared/model/inventory.js';
import type { HostAuth, HostField, HostTransport } from './stores/add-cluster-store.js';
import type { CountProblem, RetentionField, ScheduleKind, TimeProblem } from './stores/cluster-settings-store.js';
import type { PathProblem } from './stores/repository-store.js';
import type { LibvirtUriProblem } from './stores/libvirt-uri.js';
import type { ViewName } from './stores/navigation-store.js';
import type { FormStep, NameProblem, PoolRefusal, VolumeFormat } from './stores/restore-wizard-store.js';

/** The locale dates and numbers are formatted in; it goes with the language of the strings. */
const LOCALE = 'en';

const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short' });

function formatDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;
const oneDecimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const noDecimal = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });

/** Sizes in binary units, as hypervisors and disk tools show them: `256 MiB`, `1.5 GiB`. */
function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${(value < 10 && unit > 0 ? oneDecimal : noDecimal).format(value)} ${BYTE_UNITS[unit]}`;
}

/** Bytes per second: `85 MiB/s`. */
function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

const percentFormat = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 0 });

/** A share from 0 to 1 as a whole percentage: `45%`. */
function formatPercent(fraction: number): string {
  return percentFormat.format(fraction);
}

/** A duration as people say it: `40 s`, `3 min`, `1 h 20 min`. */
function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total} s`;
  const minutes = Math.round(total / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

const timeFormat = new Intl.DateTimeFormat(LOCALE, { timeStyle: 'medium' });

/** The time of day of a moment, with seconds: log lines. */
function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : timeFormat.format(date);
}

function count(n: number, one: string, many: string): string {
  return `${noDecimal.format(n)} ${n === 1 ? one : many}`;
}

/** "1, 2 and 3" */
function list(items: readonly string[]): string {
  return new Intl.ListFormat(LOCALE, { type: 'conjunction' }).format(items);
}

export const en = {
  locale: LOCALE,
  formatDateTime,
  formatBytes,
  formatRate,
  formatPercent,
  formatDuration,
  formatTime,

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
    cancel: 'Cancel',
    close: 'Close',
    dismiss: 'Dismiss',
    save: 'Save',
    saving: 'Saving…',
    unknown: 'Unknown',
    warning: 'Warning',
    copyFailed: 'Copying did not work. Select the text and copy it.',
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
    watchFailed: 'Clusters added or changed in other windows will not show here until this window is reloaded.',
    emptyTitle: 'No clusters yet',
    emptyBody: 'Add a cluster to start backing up its VMs.',
    addCluster: 'Add cluster',
    hostCount: (n: number) => count(n, 'host', 'hosts'),
    vmCount: (n: number) => count(n, 'VM', 'VMs'),
    updatedAt: (when: string) => `Updated ${when}`,
    actionsLabel: (cluster: string) => `Actions for ${cluster}`,
    refresh: 'Refresh',
    refreshing: 'Refreshing…',
    edit: 'Edit',
    remove: 'Remove',
    refreshFailed: 'The hosts could not be listed again.',
    inventoryWatchFailed: 'Changes on these hosts will not show here until the list is refreshed.',
    waitingForInventory: 'Connecting to the hosts…',
    added: (name: string) => `Cluster ${name} added.`,
    saved: (name: string) => `Cluster ${name} saved.`,
    removed: (name: string) => `Cluster ${name} removed.`,
    refreshed: (name: string) => `Cluster ${name} refreshed.`,
    backupSettings: 'Backup settings',
    backupSettingsLabel: (cluster: string) => `Backup settings of ${cluster}`,

    backup: {
      backUpCluster: 'Back up cluster',
      backUpClusterLabel: (cluster: string) => `Back up cluster ${cluster}`,
      backUpSelected: (n: number) => `Back up selected (${noDecimal.format(n)})`,
      starting: 'Starting…',
      startingReason: 'The backup is being started.',
      noneSelected: 'Choose VMs in the table to back up only those.',
      started: (cluster: string) => `Backup of ${cluster} started.`,
      startedVms: (n: number, cluster: string) => `Backup of ${count(n, 'VM', 'VMs')} of ${cluster} started.`,
      follow: 'Follow its progress',
      startFailed: 'The backup could not be started.',
      running: (percent: string | null) => (percent === null ? 'Backup running' : `Backup running: ${percent}`),
      queued: 'Backup queued',
      viewJob: 'View job',
      viewJobLabel: (cluster: string) => `View job: backup of ${cluster}`,
      progressLabel: (cluster: string) => `Backup of ${cluster}`,
      ended: 'Backup ended:',
    },

    hosts: {
      heading: 'Hosts',
      caption: (cluster: string) => `Hosts of ${cluster}`,
      columnHost: 'Host',
      columnHostname: 'Host name',
      columnState: 'State',
      columnCpu: 'CPU',
      columnMemory: 'Memory',
      columnLibvirt: 'libvirt',
      columnQemu: 'QEMU',
      states: {
        connected: 'Connected',
        connecting: 'Connecting',
        unreachable: 'Unreachable',
      } satisfies Record<'connected' | 'connecting' | 'unreachable', string>,
      cpuCount: (cpus: number) => count(cpus, 'CPU', 'CPUs'),
      errorLabel: (host: string) => `Error from ${host}`,
      copyError: 'Copy error',
      copyErrorLabel: (host: string) => `Copy the error from ${host}`,
      errorCopied: 'Error copied to the clipboard.',
    },

    vms: {
      heading: 'VMs',
      caption: (cluster: string) => `VMs of ${cluster}`,
      none: 'No VMs on the hosts that answered.',
      columnName: 'Name',
      columnState: 'State',
      columnHost: 'Host',
      columnCpus: 'vCPUs',
      columnMemory: 'Memory',
      columnDisks: 'Disks',
      columnChoose: 'Choose',
      chooseVm: (vm: string) => `Choose ${vm}`,
      chooseAll: (cluster: string) => `Choose all VMs of ${cluster}`,
      chosen: (n: number, total: number) => `${noDecimal.format(n)} of ${count(total, 'VM', 'VMs')} chosen`,
      states: {
        running: 'Running',
        paused: 'Paused',
        'shut off': 'Shut off',
        crashed: 'Crashed',
        suspended: 'Suspended',
        other: 'Other',
      } satisfies Record<VmState, string>,
      unknownHost: 'Unknown host',
      noDisks: 'No disks',
      /** `vda 256 MiB (12 MiB used)` */
      disk: (target: string, capacity: string | null, used: string | null) =>
        `${target} ${capacity ?? 'size unknown'}${used === null ? '' : ` (${used} used)`}`,
    },
  },

  removeCluster: {
    title: (name: string) => `Remove cluster ${name}?`,
    body: (name: string) =>
      `Lifeboat forgets ${name}, its hosts and the passwords and passphrases stored for them.`,
    pointsKept: 'Restore points already in repositories are kept: the VMs can still be restored from them.',
    confirm: 'Remove cluster',
    removing: 'Removing…',
    failed: 'The cluster could not be removed.',
  },

  clusterSettings: {
    title: (cluster: string) => `Backup settings of ${cluster}`,
    loading: 'Loading the backup settings…',
    loadFailed: 'The backup settings could not be loaded.',
    scheduleHeading: 'Schedule',
    scheduleLegend: 'When to back up the cluster',
    scheduleKinds: {
      none: 'Only when started by hand',
      daily: 'Every day',
      weekly: 'On chosen days of the week',
    } satisfies Record<ScheduleKind, string>,
    timeLabel: 'Start time',
    timeHint: 'The time of the computer Lifeboat runs on, which must be running then (in the tray, say) for the backup to start.',
    daysLegend: 'Days',
    /** Indexed by the contract's day number: 0 is Sunday. */
    weekdays: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const,
    /** Days in the order the list shows them: the week starting on Monday. */
    weekOrder: [1, 2, 3, 4, 5, 6, 0] as const,
    timeProblems: {
      required: 'Enter the time the backup starts, such as 01:30.',
      invalid: 'Enter a time from 00:00 to 23:59.',
    } satisfies Record<TimeProblem, string>,
    daysRequired: 'Choose at least one day.',
    nextRun: (when: string) => `Next run: ${when}.`,
    notScheduled: 'No scheduled run.',
    lastRun: (when: string) => `Last scheduled run: ${when}.`,
    neverRun: 'The schedule has not started a backup yet.',
    retentionHeading: 'Restore points to keep',
    retentionIntro:
      'A restore point is kept when any of these rules keeps it, and the newest point of each VM is always kept. ' +
      'Points no rule keeps are deleted when the repository is pruned. 0 turns a rule off.',
    retentionLabels: {
      keepLast: 'Newest points',
      keepDaily: 'Days',
      keepWeekly: 'Weeks',
      keepMonthly: 'Months',
    } satisfies Record<RetentionField, string>,
    retentionHints: {
      keepLast: 'The newest points, whatever their dates.',
      keepDaily: 'The newest point of each of that many days.',
      keepWeekly: 'The newest point of each of that many weeks.',
      keepMonthly: 'The newest point of each of that many months.',
    } satisfies Record<RetentionField, string>,
    countProblems: (max: number) =>
      ({
        required: 'Enter a number; 0 turns this rule off.',
        invalid: 'Enter a whole number: 0 or more.',
        'too-large': `Enter at most ${noDecimal.format(max)}.`,
      }) satisfies Record<CountProblem, string>,
    keepsNothing: 'Set at least one of the numbers above 0: a policy has to keep something.',
    vmOverrides: (n: number) =>
      n === 1
        ? '1 VM of this cluster has a policy of its own, which stays as it is.'
        : `${noDecimal.format(n)} VMs of this cluster have policies of their own, which stay as they are.`,
    preview: 'Preview',
    previewLabel: 'Preview what this policy would delete',
    previewing: 'Working out what this policy keeps…',
    previewFailed: 'The preview could not be made.',
    previewFailedSaveHint: 'Press Save again to save the policy without a preview.',
    previewKeepsAll: (total: number) =>
      total === 0
        ? 'There are no restore points of this cluster in the repository yet: nothing would be deleted.'
        : `This policy keeps all ${count(total, 'restore point', 'restore points')} of this cluster now in the repository.`,
    previewDeletes: (n: number, total: number) =>
      `This policy would delete ${noDecimal.format(n)} of the ${count(total, 'restore point', 'restore points')} of this cluster now in the repository:`,
    previewReviewHint: 'Check the list, then press Save again to save the policy. The points are deleted at the next prune.',
    previewOutdated: 'The numbers changed since this preview: preview again, or press Save to see the new one.',
    previewCaption: 'Restore points this policy would delete, oldest first',
    previewColumns: { vm: 'VM', taken: 'Taken', type: 'Type', added: 'Size added' },
    unknownVm: (uuid: string) => `VM ${uuid}`,
    reasons: {
      last: 'newest',
      daily: 'day',
      weekly: 'week',
      monthly: 'month',
      newest: 'newest of the VM',
    } satisfies Record<RetentionReason, string>,
    fieldsToFix: 'Some fields need attention: see the messages next to them.',
    saveFailed: {
      schedule: 'The schedule could not be saved.',
      retention: 'The retention policy could not be saved.',
    },
    saved: (cluster: string) => `Backup settings of ${cluster} saved.`,
  },

  addCluster: {
    titleAdd: 'Add cluster',
    titleEdit: 'Edit cluster',
    intro:
      'A cluster is the group of hosts your VMs run and move between. Lifeboat connects to each host to list and back up its VMs; nothing is installed on them.',
    loading: 'Loading the cluster…',
    loadFailed: 'The cluster could not be loaded.',
    clusterName: 'Cluster name',
    hostsHeading: 'Hosts',
    hostLegend: (n: number) => `Host ${n}`,
    hostLabel: 'Host label (optional)',
    hostLabelHint: 'The name Lifeboat shows for this host. Empty: its address.',
    transport: 'Transport',
    transports: {
      ssh: 'SSH',
      tcp: 'TCP',
      tls: 'TLS',
      unix: 'Local socket',
    } satisfies Record<HostTransport, string>,
    tcpWarning: 'TCP is unencrypted and has no login: use it only on a network you trust.',
    address: 'Address',
    addressHint: 'A host name or IP address, or a libvirt URI such as qemu+ssh://root@kvm1.example.com/system.',
    port: 'Port',
    portHint: (port: number) => `Empty: ${port}.`,
    userName: 'User name',
    authentication: 'Authentication',
    auths: {
      key: 'Key file',
      password: 'Password',
    } satisfies Record<HostAuth, string>,
    privateKeyFile: 'Private key file',
    privateKeyHint: 'The full path of the private key on this computer, such as /home/me/.ssh/id_ed25519.',
    keyPassphrase: 'Key passphrase',
    keyPassphraseHint: 'Only if the key has one.',
    password: 'Password',
    storedSecretHint:
      'Leave empty to keep the stored one. Testing the connection needs it typed again.',
    caFile: 'CA certificate file',
    certFile: 'Client certificate file',
    clientKeyFile: 'Client key file',
    socketPath: 'Socket path',
    socketHint: 'Such as /var/run/libvirt/libvirt-sock, or a qemu+unix:///system?socket=… URI.',
    libvirtUriNote: (uri: string) => `Connects to ${uri} on the host.`,
    uriIgnored: (parts: readonly string[]) => `Not used from the URI: ${list(parts)}.`,
    addHost: 'Add host',
    removeHost: 'Remove host',
    testConnection: 'Test connection',
    testing: 'Testing the connection…',
    testOk: (hostname: string, libvirt: string, qemu: string, vms: number) =>
      `Connected to ${hostname}: libvirt ${libvirt}, QEMU ${qemu}, ${count(vms, 'VM', 'VMs')}.`,
    testFailed: 'The connection failed.',
    hostKeyUnknownStatus: 'New host key: check it below before trusting it.',
    hostKeyMismatchStatus: 'Host key changed: read the warning below.',
    hostKeyUnknownTitle: 'Confirm the host key',
    hostKeyPresents: 'The host presents this key:',
    /** Around the command shown as code. */
    hostKeyCheck: {
      before: 'Trust it only if it matches the host’s key (on the host: ',
      command: 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub',
      after: ').',
    },
    trustHostKey: 'Trust this host key',
    hostKeyConfirmed: 'Confirmed host key:',
    hostKeyMismatchTitle: 'Warning: this host presents a different key',
    hostKeyMismatchBody:
      'The key is not the one confirmed for this host before. Another machine may be answering at this address, or someone may be intercepting the connection. A reinstalled host also gets a new key.',
    expectedKey: 'Confirmed key',
    actualKey: 'Key presented now',
    hostKeyMismatchAdvice:
      'Do not go on unless you know why the key changed. If the host was reinstalled, check its new key on the host itself, then remove the confirmed key here and test again.',
    forgetHostKey: 'Remove the confirmed key',
    hostKeyNeeded: 'Test the connection and confirm this host’s key before saving.',
    save: 'Save cluster',
    saving: 'Saving…',
    fieldsToFix: 'Some fields need attention: see the messages next to them.',
    hostsNeedingKey: (numbers: readonly number[]) =>
      numbers.length === 1
        ? `Host ${numbers[0]} needs its host key confirmed: test its connection first.`
        : `Hosts ${list(numbers.map(String))} need their host keys confirmed: test their connections first.`,
    saveFailed: 'The cluster could not be saved.',
    summary: (hosts: number, needingKey: number) =>
      `${count(hosts, 'host', 'hosts')}${needingKey === 0 ? '' : `, ${noDecimal.format(needingKey)} without a confirmed host key`}.`,
    errors: {
      required: {
        name: 'Enter a name for the cluster.',
        label: 'Enter a label.',
        address: 'Enter a host name or an IP address.',
        port: 'Enter a port number.',
        username: 'Enter the user name to log in with.',
        keyPath: 'Enter the path of the private key file.',
        secret: 'Enter the password.',
        caPath: 'Enter the path of the CA certificate file.',
        certPath: 'Enter the path of the client certificate file.',
        tlsKeyPath: 'Enter the path of the client key file.',
        socketPath: 'Enter the path of the libvirt socket.',
      } satisfies Record<HostField | 'name', string>,
      invalid: {
        name: 'Use at most 100 characters.',
        label: 'Use at most 100 characters.',
        address: 'Use a host name or an IP address: letters, digits, dots, hyphens and colons.',
        port: 'Enter a port number from 1 to 65535.',
        username: 'A user name starts with a letter or an underscore, then letters, digits, dots, hyphens or underscores.',
        keyPath: 'This path is too long.',
        secret: 'This is too long: at most 4096 characters.',
        caPath: 'This path is too long.',
        certPath: 'This path is too long.',
        tlsKeyPath: 'This path is too long.',
        socketPath: 'This path is too long.',
      } satisfies Record<HostField | 'name', string>,
      uri: {
        malformed: 'This is not a libvirt URI Lifeboat can read.',
        'unsupported-driver': 'Lifeboat works with QEMU/KVM hosts: the URI must start with qemu.',
        'unsupported-transport': 'Use a qemu+ssh://, qemu+tcp://, qemu+tls:// or qemu+unix:// URI.',
        'host-mismatch': 'A remote URI needs a host name, and a local socket URI must not have one.',
        'unsupported-path': 'The URI must end in /system or /session.',
      } satisfies Record<LibvirtUriProblem, string>,
    },
  },

  jobs: {
    loading: 'Loading jobs…',
    loadFailed: 'The jobs could not be loaded.',
    emptyTitle: 'No jobs yet',
    emptyBody: 'Backups, restores and repository checks appear here once they run, newest first.',
    activeHeading: 'Running now',
    noneActive: 'No job is running.',
    historyHeading: 'History',
    progressWatchFailed: 'Live progress is not available in this window: reload it to see progress again.',
    historyWatchFailed: 'Jobs started or ended elsewhere will not show here until this window is reloaded.',
    tableCaption: 'Jobs, newest first',
    columnTitle: 'Job',
    columnKind: 'Kind',
    columnState: 'State',
    columnCreated: 'Created',
    columnFinished: 'Finished',
    columnItems: 'VMs',
    columnData: 'Data read',
    columnDetails: 'Details',
    notFinished: 'Not finished',
    itemsOutcome: (succeeded: number, failed: number, total: number) =>
      total === 0
        ? '—'
        : failed === 0
          ? `${noDecimal.format(succeeded)} of ${noDecimal.format(total)}`
          : `${noDecimal.format(succeeded)} of ${noDecimal.format(total)}, ${noDecimal.format(failed)} failed`,
    details: 'Details',
    detailsLabel: (title: string, when: string) => `Details of ${title}, ${when}`,
    triggers: {
      user: 'Started by hand',
      schedule: 'Scheduled',
    } satisfies Record<JobSummary['trigger'], string>,

    progress: {
      label: (title: string) => `Progress of ${title}`,
      valueText: (percent: string, done: string, total: string) => `${percent}: ${done} of ${total}`,
      sizing: 'Working out how much to read…',
      nothingToRead: 'Done: there was nothing to read.',
      queued: 'Waiting for its turn.',
      read: 'Read',
      /** What a restore counts: the bytes it wrote to the host. */
      written: 'Written',
      speed: 'Speed',
      timeLeft: 'Time left',
      started: 'Started',
      bytesOf: (done: string, total: string, percent: string) => `${done} of ${total} (${percent})`,
      about: (duration: string) => `About ${duration}`,
      notKnown: 'Not known yet',
      chartLabel: 'Speed',
      chartSummary: (seconds: number, now: string, peak: string, average: string) =>
        `Speed over the last ${formatDuration(seconds)}: now ${now}, peak ${peak}, average ${average}.`,
      chartEmpty: 'No speed measured yet.',
      jobFailed: 'The job failed.',
      errorCode: (code: string) => `Code: ${code}`,
    },

    items: {
      caption: (title: string) => `VMs of ${title}`,
      columnVm: 'VM',
      columnHost: 'Host',
      columnState: 'State',
      columnProgress: 'Progress',
      columnResult: 'Result',
      states: {
        queued: 'Queued',
        running: 'Running',
        succeeded: 'Done',
        failed: 'Failed',
        cancelled: 'Cancelled',
        skipped: 'Skipped',
      } satisfies Record<JobItemState, string>,
      /** The engine's phase words for a VM being backed up; one it adds later is shown as it is. */
      phases: {
        resolving: 'Finding the VM',
        starting: 'Starting the backup',
        reading: 'Reading disks',
        writing: 'Writing the restore point',
        done: 'Done',
      } as Readonly<Record<string, string>>,
      /** The engine's phase words for a VM being restored; one it adds later is shown as it is. */
      restorePhases: {
        preflight: 'Checking the host',
        creating: 'Creating the volumes',
        uploading: 'Writing the disks',
        defining: 'Defining the VM',
        starting: 'Starting the VM',
        finishing: 'Finishing',
        'cleaning-up': 'Removing what the restore created',
        done: 'Done',
      } as Readonly<Record<string, string>>,
      hostNotYet: 'Not started',
      progressLabel: (vm: string) => `Progress of ${vm}`,
      diskLabel: (vm: string, disk: string) => `Disk ${disk} of ${vm}`,
      disk: (disk: string, done: string, total: string) => `${disk}: ${done} of ${total}`,
      error: 'Error',
      resultTypes: {
        full: 'Full',
        incremental: 'Incremental',
      } satisfies Record<PointSummary['type'], string>,
      fullBecause: (reason: string) => `Full backup: ${reason}`,
      added: (bytes: string) => `${bytes} added to the repository`,
      /** What a restore produced. */
      restoredAs: (vm: string, host: string, replaced: boolean) =>
        replaced ? `${vm} on ${host}, replacing the original` : `${vm} on ${host}, as a copy`,
      restoredRunning: 'Running',
      restoredShutOff: 'Left shut off',
      restoredNotStarted: 'Restored, but did not start:',
      volumes: (volumes: readonly string[]) => `Volumes: ${list(volumes)}`,
      warnings: (n: number) => count(n, 'warning', 'warnings'),
      noResult: '—',
      none: 'This job has no VMs.',
    },

    detail: {
      heading: (title: string) => `Job: ${title}`,
      loading: 'Loading the job…',
      loadFailed: 'The job could not be loaded.',
      close: 'Close details',
      kind: 'Kind',
      state: 'State',
      trigger: 'Started',
      created: 'Created',
      startedAt: 'Began',
      finished: 'Finished',
      items: 'VMs',
      data: 'Data read',
      dataWritten: 'Data written',
      notYet: 'Not yet',
      jobError: 'Why the job failed',
      itemsHeading: 'VMs',
      liveAbove: 'The job is running: its progress and VMs are shown above, under “Running now”.',
      logHeading: 'Log',
      logLabel: (title: string) => `Log of ${title}`,
      logEmpty: 'Nothing logged yet.',
      refreshLog: 'Refresh',
      levels: {
        info: 'Info',
        warn: 'Warning',
        error: 'Error',
      } satisfies Record<'info' | 'warn' | 'error', string>,
      watchFailed: 'This job’s end will not show here by itself: press Refresh.',
    },

    cancel: {
      button: 'Cancel job',
      buttonLabel: (title: string) => `Cancel job: ${title}`,
      requested: 'Cancelling…',
      requestedReason: 'Cancel was asked for: the job stops as soon as the VMs in progress let it.',
      title: (title: string) => `Cancel ${title}?`,
      body: 'The VMs being backed up now stop, and no restore point is written for them.',
      kept: 'VMs already backed up keep their restore points.',
      confirm: 'Cancel job',
      keep: 'Keep running',
      sending: 'Cancelling…',
      failed: 'The job could not be cancelled.',
      alreadyEnded: 'The job has already ended: there is nothing left to cancel.',
      sent: (title: string) => `Cancelling ${title}.`,
    },
    /** What a job as a whole is doing beyond its VMs (a backup's retention at its end, verify, prune). */
    phases: {
      verifying: 'Verifying the repository',
      pruning: 'Deleting restore points no policy keeps',
      collecting_garbage: 'Freeing the space of deleted points',
    } satisfies Record<JobPhase, string>,
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
    loading: 'Loading restore points…',
    loadFailed: 'The restore points could not be loaded.',
    watchFailed: 'New restore points will not show here until this window is reloaded.',
    noRepositoryTitle: 'No repository yet',
    noRepositoryBody:
      'Backups are kept in a repository: a folder on this computer or on a network share (NAS). Choose or create one in Settings.',
    openSettings: 'Open Settings',
    filterLabel: 'Filter by VM name',
    noMatch: (filter: string) => `No VM with “${filter.trim()}” in its name has restore points.`,
    summary: (points: number, vms: number) => `${count(points, 'restore point', 'restore points')} of ${count(vms, 'VM', 'VMs')}.`,
    unknownCluster: 'Unknown cluster',
    notInCatalog: 'This cluster is no longer in Lifeboat; its restore points are kept.',
    clusterVmCount: (n: number) => count(n, 'VM', 'VMs'),
    vmPointCount: (n: number) => count(n, 'restore point', 'restore points'),
    caption: (vm: string) => `Restore points of ${vm}, newest first`,
    columnTaken: 'Taken',
    columnType: 'Type',
    columnAdded: 'Added to the repository',
    columnHost: 'Backed up from',
    columnDisks: 'Disks',
    types: {
      full: 'Full',
      incremental: 'Incremental',
    } satisfies Record<PointSummary['type'], string>,
    disk: (target: string, capacity: string) => `${target} ${capacity}`,
    damagedTitle: (n: number) =>
      n === 1 ? '1 restore point could not be read' : `${noDecimal.format(n)} restore points could not be read`,
    damagedBody: 'Their files in the repository are damaged. Verify the repository in Settings to check the rest.',
    damagedEntry: (path: string, message: string) => `${path}: ${message}`,
    unknownClusterFacts: (vms: number, clusterId: string) => `${count(vms, 'VM', 'VMs')} · cluster ${clusterId}`,
    emptyTitle: 'No restore points yet',
    emptyBody:
      'Backups are kept in a repository: a folder on this computer or on a network share (NAS). ' +
      'Once a repository is set up and a backup has run, the restore points of each VM are listed here.',
  },

  /** The restore wizard (`#/restore`), and its entry points in the Restore points view. */
  restoreWizard: {
    title: 'Restore a VM',
    openWizard: 'Restore a VM…',
    restorePoint: 'Restore…',
    restorePointLabel: (vm: string, when: string) => `Restore ${vm} from ${when}…`,
    columnActions: 'Actions',
    backToPoints: 'Back to Restore points',
    stepsLabel: 'Steps of the restore',
    steps: {
      point: 'VM and restore point',
      host: 'Target host',
      options: 'Options',
      review: 'Review',
    } satisfies Record<FormStep, string>,
    stepName: (n: number, name: string) => `${noDecimal.format(n)}. ${name}`,
    /** Read after the name of a step already done (the leading space keeps it apart). */
    stepDone: ' (done)',
    stepHeading: (n: number, name: string) => `Step ${noDecimal.format(n)} of 4: ${name}`,
    next: 'Next',
    back: 'Back',
    cancel: 'Cancel',
    startRestore: 'Start restore',
    starting: 'Starting…',
    engineRefused: 'The engine refused this:',

    point: {
      intro: 'Find the VM by its name, then choose the restore point to bring back.',
      searchLabel: 'Find a VM by name',
      loading: 'Loading restore points…',
      loadFailed: 'The restore points could not be loaded.',
      empty: 'The repository has no restore points yet: back up a VM first.',
      unknownPoint: 'The restore point this page was opened with is not in the repository (pruned, or another repository). Choose one below.',
      vmLegend: (vm: string, cluster: string | null) => (cluster === null ? vm : `${vm} (${cluster})`),
      choice: (when: string, type: string, host: string) => `${when} · ${type} · from ${host}`,
      disks: (disks: readonly string[]) => `Disks: ${list(disks)}`,
      disk: (target: string, size: string) => `${target} ${size}`,
      required: 'Choose a restore point to go on.',
      chosen: (vm: string, when: string) => `Chosen: ${vm}, ${when}.`,
      noneChosen: 'No restore point chosen yet.',
      chosenHidden: 'The chosen point is not among those the search shows.',
      pointRefused: 'The restore point could not be read: choose another one.',
    },

    host: {
      intro: (vm: string, size: string) => `Choose the host ${vm} is restored to. Its disks need ${size} free in one storage pool.`,
      cluster: 'Cluster',
      clusterHint: 'The hosts of the restore point’s own cluster are offered first; any cluster Lifeboat knows can receive the VM.',
      ownCluster: (name: string) => `${name} (the VM’s own)`,
      refresh: 'Check the hosts again',
      loading: 'Checking every host of the cluster…',
      loadFailed: 'The hosts could not be checked.',
      legend: 'Target host',
      states: {
        connected: 'Connected',
        unreachable: 'Unreachable',
      } satisfies Record<'connected' | 'unreachable', string>,
      hasOriginal: 'Has the original VM',
      unreachable: (reason: string) => `Cannot be chosen: the host did not answer (${reason}).`,
      noPool: 'Cannot be chosen: it has no running storage pool.',
      noRoom: (size: string) => `Cannot be chosen: no storage pool has the ${size} the VM’s disks need.`,
      pools: 'Storage pools',
      pool: (name: string, type: string, free: string, capacity: string) => `${name} (${type}): ${free} free of ${capacity}`,
      poolFits: 'room for the disks',
      poolInactive: 'not running',
      poolNoRoom: (needed: string) => `not enough room (needs ${needed})`,
      noPools: 'No storage pools.',
      required: 'Choose a host to go on.',
      requiredReason: 'Choose a host first.',
      loadingReason: 'The hosts are being checked.',
    },

    options: {
      nameLabel: 'Name of the restored VM',
      nameHint: 'Letters, digits and . _ + -, starting with a letter or digit; at most 64 characters.',
      nameProblems: {
        required: 'Enter a name for the restored VM.',
        'too-long': 'Use at most 64 characters.',
        invalid: 'Use letters, digits and . _ + - only, starting with a letter or digit.',
      } satisfies Record<NameProblem, string>,
      replaceLabel: (host: string) => `Replace the original VM on ${host}`,
      replaceHint:
        'The original must be shut off: a running VM is never replaced. The restored VM keeps its name and identity; the ' +
        'original’s disks are kept until the restored ones are complete, and put back if anything fails.',
      keepsName: (vm: string) => `The restored VM keeps the original’s name, ${vm}.`,
      copyOnly: (host: string) => `The original VM is not on ${host}: the VM is restored as a copy with a new identity.`,
      poolLabel: 'Storage pool',
      poolHint: (size: string) => `The disks need ${size} in one pool.`,
      poolOption: (name: string, type: string, free: string) => `${name} (${type}), ${free} free`,
      poolOptionRefused: (name: string, type: string, free: string, why: string) => `${name} (${type}), ${free} free: ${why}`,
      poolProblems: {
        required: 'Choose a storage pool.',
        inactive: 'This pool is not running: start it on the host, or choose another.',
        'no-room': 'This pool has not enough room for the disks: choose another.',
      } satisfies Record<'required' | PoolRefusal, string>,
      formatLegend: 'Disk format',
      formats: {
        qcow2: 'qcow2 (a file that grows as the VM writes)',
        raw: 'raw (plain disk image)',
      } satisfies Record<VolumeFormat, string>,
      qcow2NeedsFilePool: (pool: string) => `qcow2 needs a pool of files; ${pool} holds block volumes.`,
      formatProblem: 'qcow2 needs a pool of files: choose raw, or a pool of files.',
      networksLegend: 'Networks',
      networksIntro: (host: string) => `${host} lacks networks the VM was on. Choose where their interfaces go.`,
      networkLabel: (type: 'network' | 'bridge', name: string, macs: string) =>
        `Interfaces on ${type === 'network' ? 'network' : 'bridge'} ${name}${macs === '' ? '' : ` (${macs})`}`,
      disconnected: 'Leave disconnected',
      networkOption: (kind: 'network' | 'bridge', name: string, active: boolean) =>
        `${kind === 'network' ? 'Network' : 'Bridge'} ${name}${active ? '' : ' (not running)'}`,
      startLabel: 'Start the VM once it is restored',
      startHint: 'A copy gets new MAC addresses; check that what runs inside does not clash with the original.',
    },

    review: {
      intro: 'The engine checked this against the host without writing anything. Start the restore when it looks right.',
      checking: (host: string) => `Checking the restore against ${host}…`,
      checkFailed: 'The check did not pass.',
      checkAgain: 'Check again',
      planCaption: 'What the restore will do',
      vm: 'VM',
      point: 'Restore point',
      restoredAs: 'Restored as',
      asCopy: (name: string) => `${name} (a copy with a new identity)`,
      asReplace: (name: string) => `${name} (replaces the original)`,
      host: 'Host',
      pool: 'Storage pool',
      format: 'Disk format',
      space: 'Space',
      spaceText: (needed: string, free: string) => `${needed} needed, ${free} free`,
      start: 'After the restore',
      startYes: 'Started',
      startNo: 'Left shut off',
      disksCaption: 'Disks and their new volumes',
      columnDisk: 'Disk',
      columnSize: 'Size',
      columnVolume: 'New volume',
      changes: (host: string) => `Changes to fit ${host}`,
      warnings: 'Warnings',
      needsCheck: 'The check must pass before the restore can start.',
      checkingReason: 'The restore is being checked.',
      startingReason: 'The restore is being started.',
    },

    progress: {
      heading: (vm: string, host: string) => `Restoring ${vm} to ${host}`,
      queued: 'Waiting for its turn.',
      waiting: 'Waiting for the first progress report…',
      startingRestore: 'Starting the restore…',
      phases: {
        preflight: 'Checking the host',
        creating: 'Creating the volumes',
        uploading: 'Writing the disks',
        defining: 'Defining the VM',
        starting: 'Starting the VM',
        finishing: 'Finishing',
        'cleaning-up': 'Removing what the restore created',
        done: 'Done',
      } as Readonly<Record<string, string>>,
      overallLabel: (vm: string) => `Restore of ${vm}`,
      diskLabel: (disk: string) => `Disk ${disk}`,
      disk: (disk: string, done: string, total: string) => `${disk}: ${done} of ${total}`,
      valueText: (percent: string, done: string, total: string) => `${percent}: ${done} of ${total}`,
      sizing: 'Not started yet',
      speed: (rate: string) => `Speed: ${rate}`,
      timeLeft: (duration: string) => `Time left: about ${duration}`,
      viewJob: 'View the job',
      watchFailed: 'Live progress is not available: press Refresh to see where the restore is.',
      refresh: 'Refresh',
      cancel: 'Cancel restore',
      confirmCancel: 'Cancel the restore? What it has created so far is removed.',
      confirm: 'Cancel restore',
      keep: 'Keep restoring',
      cancelling: 'Cancelling…',
      cancelSent: 'Cancel was asked for: the restore stops and removes what it created.',
      cancelFailed: 'The restore could not be cancelled.',
    },

    result: {
      doneHeading: (vm: string, host: string) => `${vm} is restored on ${host}`,
      failedHeading: 'The restore failed',
      target: (host: string) => `Target host: ${host}`,
      cancelledHeading: 'The restore was cancelled',
      running: (vm: string, host: string) => `${vm} is running on ${host}.`,
      notAsked: (vm: string) => `${vm} is defined and shut off: start it when you are ready.`,
      notStarted: (vm: string) => `${vm} is restored, but did not start:`,
      vm: 'VM',
      host: 'Host',
      state: 'State',
      stateRunning: 'Running',
      stateShutOff: 'Shut off',
      replaced: 'Replaced the original',
      volumes: 'Volumes',
      warnings: 'Warnings',
      failedBody: 'Nothing is left half done: the restore removes what it created. The job’s log says what it removed.',
      cancelledBody: 'The restore removed what it had created. The job’s log says what.',
      why: 'Why',
      errorCode: (code: string) => `Code: ${code}`,
      seeInClusters: (vm: string) => `See ${vm} in Clusters`,
      viewJob: 'View the job and its log',
      revise: 'Change the options and try again',
      another: 'Restore another VM',
      announceDone: (vm: string, host: string) => `${vm} restored on ${host}.`,
      announceFailed: 'The restore failed.',
    },
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
    backupsHeading: 'Backups',
    concurrencyLegend: 'VM backups at the same time',
    concurrencyLabels: {
      global: 'In all',
      perHost: 'Per host',
      perCluster: 'Per cluster',
    } satisfies Record<keyof Concurrency, string>,
    concurrencyHints: {
      global: 'The most VMs Lifeboat backs up at once.',
      perHost: 'VMs of one host share its disks and network.',
      perCluster: 'The most VMs of one cluster backed up at once.',
    } satisfies Record<keyof Concurrency, string>,
    concurrencyProblem: (min: number, max: number) => `Enter a whole number from ${min} to ${max}.`,
    concurrencySave: 'Save limits',
    concurrencySaved: 'Backup limits saved.',
    notifyLabel: 'Notify me when a job ends',
    notifyHint: 'A desktop notification (a log line when Lifeboat runs headless).',
    notifySaved: (on: boolean) => (on ? 'Notifications turned on.' : 'Notifications turned off.'),
    trayLabel: 'Keep running in the tray when the window is closed',
    trayHint: 'Scheduled backups run only while Lifeboat is running.',
    traySaved: (on: boolean) => (on ? 'Lifeboat keeps running in the tray.' : 'Closing the window quits Lifeboat.'),

    repositoryHeading: 'Repository',
    repositoryLoading: 'Loading the repository…',
    repositoryLoadFailed: 'The repository could not be looked at.',
    repositoryStates: {
      not_configured: 'Not set up',
      ready: 'Ready',
      unavailable: 'Cannot be used now',
    } satisfies Record<RepositoryStatus['state'], string>,
    repositoryFolder: 'Folder',
    repositoryState: 'State',
    repositoryContents: 'Holds',
    repositoryFree: 'Free space',
    repositoryHolds: (points: number, vms: number) =>
      `${count(points, 'restore point', 'restore points')} of ${count(vms, 'VM', 'VMs')}`,
    repositoryNone: 'No repository yet: choose a folder on this computer or on a mounted network share (NAS).',
    repositoryProblem: 'Why',
    pathLabel: 'Folder to use',
    pathHint: 'The full path of a folder on this computer or on a mounted network share, such as /mnt/nas/lifeboat.',
    pathProblems: {
      required: 'Enter the path of a folder.',
      'too-long': 'This path is too long.',
    } satisfies Record<PathProblem, string>,
    createNewLabel: 'Create a new repository in this folder',
    createNewHint: 'The folder must be empty. Leave this off to use the repository already in the folder.',
    useFolder: 'Use this folder',
    createRepository: 'Create repository',
    using: 'Opening…',
    creating: 'Creating…',
    useFailed: 'This folder could not be used as the repository.',
    useHint:
      'Check that the folder exists and that its share is mounted. To start a new repository in an empty folder, tick “Create a new repository in this folder”.',
    repositorySet: (path: string) => `The repository is now ${path}.`,

    maintenanceHeading: 'Maintenance',
    verify: 'Verify repository',
    verifyHint: 'Reads every chunk the restore points use and checks it. Takes a while on a large repository.',
    prune: 'Prune now',
    pruneHint: 'Deletes the restore points no retention policy keeps, then frees the space only they used.',
    starting: 'Starting…',
    startingReason: 'The job is being started.',
    maintenanceFailed: {
      verify: 'The check could not be started.',
      prune: 'The prune could not be started.',
    },
    needsRepository: 'Set up a repository first.',

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
