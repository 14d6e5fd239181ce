// Every string the renderer shows, in one place, so translation (English + Japanese through an i18n library) can
// replace this module without hunting through components. Messages that embed values are functions, so each
// language can order the parts its own way.
import type { ErrorCode } from '../../shared/ipc/errors.js';
import type { AppInfo } from '../../shared/model/app-info.js';
import type { JobSummary } from '../../shared/model/job.js';
import type { Settings } from '../../shared/model/settings.js';
import type { VmState } from '../../shared/model/inventory.js';
import type { HostAuth, HostField, HostTransport } from './stores/add-cluster-store.js';
import type { LibvirtUriProblem } from './stores/libvirt-uri.js';
import type { ViewName } from './stores/navigation-store.js';

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
