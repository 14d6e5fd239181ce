// The backup settings dialog of one cluster: its schedule (none, daily at a time, weekly on chosen days at a time;
// `schedules.get`/`schedules.set`) and its retention policy (`retention.get`/`retention.set`). A changed policy is
// never saved unseen: Save first asks the engine what the policy would delete of the points now in the repository
// (`retention.preview`) and, when that is anything, shows it and waits for Save to be pressed again.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { PointSummary } from '../../../shared/model/point.js';
import { RETENTION_COUNT_MAX, type RetentionDecision, type RetentionPolicy } from '../../../shared/model/retention.js';
import type { ClusterSchedule, Schedule } from '../../../shared/model/schedule.js';
import type { EngineClient } from '../ipc/connect.js';
import { createLatestCall } from './latest-call.js';
import { toStoreError, type LoadStatus, type StoreError } from './store-error.js';

export type ScheduleKind = 'none' | Schedule['kind'];
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['none', 'daily', 'weekly'];
/** The time a new schedule starts with: a quiet hour. */
export const DEFAULT_SCHEDULE_TIME = '01:00';
/** 0 = Sunday … 6 = Saturday, as the contract counts. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface ScheduleForm {
  kind: ScheduleKind;
  /** As typed: `HH:MM` from a time field, or what a browser without one let through. */
  time: string;
  /** Chosen days of a weekly schedule, sorted. */
  days: Weekday[];
}

export type TimeProblem = 'required' | 'invalid';
export interface ScheduleProblems {
  time?: TimeProblem;
  days?: 'required';
}

export const RETENTION_FIELDS = ['keepLast', 'keepDaily', 'keepWeekly', 'keepMonthly'] as const;
export type RetentionField = (typeof RETENTION_FIELDS)[number];
export type RetentionForm = Record<RetentionField, string>;
export type CountProblem = 'required' | 'invalid' | 'too-large';
export interface RetentionProblems {
  fields: Partial<Record<RetentionField, CountProblem>>;
  /** Every count is 0: the policy would keep nothing. */
  keepsNothing: boolean;
}

export interface RetentionPreview {
  status: 'loading' | 'ready' | 'error';
  /** The policy previewed (its form values), to tell whether the form still shows it. */
  policy: RetentionPolicy;
  decisions: RetentionDecision[];
  /** The cluster's points by id, for names and sizes in the list. */
  points: Readonly<Record<string, PointSummary>>;
  error: StoreError | null;
}

export type SaveOutcome =
  | { kind: 'saved' }
  /**
   * The preview of the changed policy deletes points, or could not be made: it is shown, and Save must be pressed
   * again to save the policy.
   */
  | { kind: 'review' }
  | { kind: 'invalid' }
  | { kind: 'failed' };

export interface ClusterSettingsState {
  open: boolean;
  clusterId: string | null;
  clusterName: string;
  loadStatus: LoadStatus;
  loadError: StoreError | null;
  /** The schedule as saved, with its last and next run. */
  schedule: ClusterSchedule | null;
  scheduleForm: ScheduleForm;
  scheduleProblems: ScheduleProblems | null;
  /** The cluster's policy as saved. */
  policy: RetentionPolicy | null;
  /** VMs of the cluster that have a policy of their own (not changed here). */
  vmOverrideCount: number;
  retentionForm: RetentionForm;
  retentionProblems: RetentionProblems | null;
  preview: RetentionPreview | null;
  saving: boolean;
  saveError: { part: 'schedule' | 'retention'; error: StoreError } | null;

  openFor(clusterId: string, clusterName: string): Promise<void>;
  /** Loads the cluster's settings again (after a failed load). */
  reload(): Promise<void>;
  close(): void;
  setScheduleKind(kind: ScheduleKind): void;
  setTime(time: string): void;
  toggleDay(day: Weekday): void;
  setRetentionField(field: RetentionField, value: string): void;
  /** Asks the engine what the policy in the form would delete. */
  previewRetention(): Promise<void>;
  save(): Promise<SaveOutcome>;
}

export type ClusterSettingsStore = StoreApi<ClusterSettingsState>;

// ---- Schedule ----

/** `HH:MM` for a time the user typed as `H:MM` or `HH:MM`; null when it is not a time of day. */
export function normalizeTime(text: string): string | null {
  const match = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return null;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

export function scheduleFormOf(schedule: Schedule | null): ScheduleForm {
  if (schedule === null) return { kind: 'none', time: DEFAULT_SCHEDULE_TIME, days: [] };
  if (schedule.kind === 'daily') return { kind: 'daily', time: schedule.time, days: [] };
  return { kind: 'weekly', time: schedule.time, days: ([...new Set(schedule.days)] as Weekday[]).sort((a, b) => a - b) };
}

/** The schedule a form describes, or what is wrong with it. */
export function scheduleFromForm(form: ScheduleForm): { ok: true; schedule: Schedule | null } | { ok: false; problems: ScheduleProblems } {
  if (form.kind === 'none') return { ok: true, schedule: null };
  const problems: ScheduleProblems = {};
  const time = normalizeTime(form.time);
  if (time === null) problems.time = form.time.trim() === '' ? 'required' : 'invalid';
  if (form.kind === 'weekly' && form.days.length === 0) problems.days = 'required';
  if (time === null || problems.days) return { ok: false, problems };
  return { ok: true, schedule: form.kind === 'daily' ? { kind: 'daily', time } : { kind: 'weekly', days: [...form.days], time } };
}

function sameSchedule(a: Schedule | null, b: Schedule | null): boolean {
  return JSON.stringify(a === null ? null : scheduleFormOf(a)) === JSON.stringify(b === null ? null : scheduleFormOf(b));
}

// ---- Retention ----

export function retentionFormOf(policy: RetentionPolicy): RetentionForm {
  return {
    keepLast: String(policy.keepLast),
    keepDaily: String(policy.keepDaily),
    keepWeekly: String(policy.keepWeekly),
    keepMonthly: String(policy.keepMonthly),
  };
}

function countProblem(text: string): CountProblem | null {
  const trimmed = text.trim();
  if (trimmed === '') return 'required';
  if (!/^\d+$/.test(trimmed)) return 'invalid';
  return Number(trimmed) > RETENTION_COUNT_MAX ? 'too-large' : null;
}

/** The policy a form describes, or what is wrong with it. */
export function policyFromForm(form: RetentionForm): { ok: true; policy: RetentionPolicy } | { ok: false; problems: RetentionProblems } {
  const fields: Partial<Record<RetentionField, CountProblem>> = {};
  for (const field of RETENTION_FIELDS) {
    const problem = countProblem(form[field]);
    if (problem !== null) fields[field] = problem;
  }
  if (Object.keys(fields).length > 0) return { ok: false, problems: { fields, keepsNothing: false } };
  const policy: RetentionPolicy = {
    keepLast: Number(form.keepLast.trim()),
    keepDaily: Number(form.keepDaily.trim()),
    keepWeekly: Number(form.keepWeekly.trim()),
    keepMonthly: Number(form.keepMonthly.trim()),
  };
  if (RETENTION_FIELDS.every((field) => policy[field] === 0)) return { ok: false, problems: { fields: {}, keepsNothing: true } };
  return { ok: true, policy };
}

export function samePolicy(a: RetentionPolicy | null, b: RetentionPolicy | null): boolean {
  return a !== null && b !== null && RETENTION_FIELDS.every((field) => a[field] === b[field]);
}

/** The points a preview would delete, oldest first. */
export function deletions(preview: RetentionPreview | null): RetentionDecision[] {
  if (preview === null || preview.status !== 'ready') return [];
  return preview.decisions.filter((decision) => !decision.keep).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

const CLOSED = {
  open: false,
  clusterId: null,
  clusterName: '',
  loadStatus: 'idle',
  loadError: null,
  schedule: null,
  scheduleForm: scheduleFormOf(null),
  scheduleProblems: null,
  policy: null,
  vmOverrideCount: 0,
  retentionForm: { keepLast: '', keepDaily: '', keepWeekly: '', keepMonthly: '' },
  retentionProblems: null,
  preview: null,
  saving: false,
  saveError: null,
} satisfies Partial<ClusterSettingsState>;

export function createClusterSettingsStore(client: EngineClient): ClusterSettingsStore {
  const loadCall = createLatestCall();
  const previewCall = createLatestCall();

  return createStore<ClusterSettingsState>()((set, get) => {
    /** Re-checks a form whose problems are shown, so they go as soon as the input fixes them. */
    const recheckSchedule = (form: ScheduleForm): ScheduleProblems | null => {
      if (get().scheduleProblems === null) return null;
      const checked = scheduleFromForm(form);
      return checked.ok ? null : checked.problems;
    };
    const recheckRetention = (form: RetentionForm): RetentionProblems | null => {
      if (get().retentionProblems === null) return null;
      const checked = policyFromForm(form);
      return checked.ok ? null : checked.problems;
    };

    const load = async (clusterId: string): Promise<void> => {
      set({ loadStatus: 'loading', loadError: null });
      const outcome = await loadCall.run((signal) =>
        Promise.all([
          client.call('schedules.get', { clusterId }, { signal }),
          client.call('retention.get', { clusterId }, { signal }),
        ]),
      );
      if (outcome.kind === 'superseded' || get().clusterId !== clusterId) return;
      if (outcome.kind === 'failed') {
        set({ loadStatus: 'error', loadError: outcome.error });
        return;
      }
      const [schedule, retention] = outcome.value;
      set({
        loadStatus: 'ready',
        schedule,
        scheduleForm: scheduleFormOf(schedule.schedule),
        policy: retention.policy,
        vmOverrideCount: retention.vmPolicies.length,
        retentionForm: retentionFormOf(retention.policy),
      });
    };

    const preview = async (clusterId: string, policy: RetentionPolicy): Promise<RetentionPreview | null> => {
      set({ preview: { status: 'loading', policy, decisions: [], points: {}, error: null } });
      const outcome = await previewCall.run((signal) =>
        Promise.all([
          client.call('retention.preview', { clusterId, policy }, { signal }),
          // Only for names and sizes in the list: without them it shows dates and UUIDs.
          client.call('points.list', { clusterId }, { signal }).catch(() => null),
        ]),
      );
      if (outcome.kind === 'superseded' || get().clusterId !== clusterId) return null;
      const result: RetentionPreview =
        outcome.kind === 'done'
          ? {
              status: 'ready',
              policy,
              decisions: outcome.value[0].decisions,
              points: Object.fromEntries((outcome.value[1]?.points ?? []).map((point) => [point.id, point])),
              error: null,
            }
          : { status: 'error', policy, decisions: [], points: {}, error: outcome.error };
      set({ preview: result });
      return result;
    };

    return {
      ...CLOSED,

      async openFor(clusterId, clusterName) {
        set({ ...CLOSED, open: true, clusterId, clusterName });
        await load(clusterId);
      },

      async reload() {
        const clusterId = get().clusterId;
        if (clusterId !== null) await load(clusterId);
      },

      close() {
        // Answers still on their way find the dialog closed (or open for another cluster) and are dropped.
        void loadCall.run(() => Promise.resolve(null));
        void previewCall.run(() => Promise.resolve(null));
        set(CLOSED);
      },

      setScheduleKind(kind) {
        const form = { ...get().scheduleForm, kind };
        set({ scheduleForm: form, scheduleProblems: recheckSchedule(form), saveError: null });
      },

      setTime(time) {
        const form = { ...get().scheduleForm, time };
        set({ scheduleForm: form, scheduleProblems: recheckSchedule(form), saveError: null });
      },

      toggleDay(day) {
        const days = get().scheduleForm.days;
        const next = (days.includes(day) ? days.filter((known) => known !== day) : [...days, day]).sort((a, b) => a - b);
        const form = { ...get().scheduleForm, days: next };
        set({ scheduleForm: form, scheduleProblems: recheckSchedule(form), saveError: null });
      },

      setRetentionField(field, value) {
        const form = { ...get().retentionForm, [field]: value };
        set({ retentionForm: form, retentionProblems: recheckRetention(form), saveError: null });
      },

      async previewRetention() {
        const clusterId = get().clusterId;
        if (clusterId === null) return;
        const checked = policyFromForm(get().retentionForm);
        if (!checked.ok) {
          set({ retentionProblems: checked.problems });
          return;
        }
        set({ retentionProblems: null });
        await preview(clusterId, checked.policy);
      },

      async save() {
        const { clusterId, saving, loadStatus } = get();
        if (clusterId === null || saving || loadStatus !== 'ready') return { kind: 'invalid' };
        const schedule = scheduleFromForm(get().scheduleForm);
        const policy = policyFromForm(get().retentionForm);
        set({
          scheduleProblems: schedule.ok ? null : schedule.problems,
          retentionProblems: policy.ok ? null : policy.problems,
          saveError: null,
        });
        if (!schedule.ok || !policy.ok) return { kind: 'invalid' };

        const policyChanged = !samePolicy(policy.policy, get().policy);
        set({ saving: true });
        if (policyChanged) {
          // Save shows what the new policy would delete before it is saved. A preview of this very policy that
          // deletes nothing lets the save go on at once; one that deletes points, or that failed (no repository
          // yet, say), is shown first, and the next Save goes on.
          const shown = get().preview;
          const previewed = shown !== null && shown.status !== 'loading' && samePolicy(shown.policy, policy.policy);
          if (!previewed) {
            const made = await preview(clusterId, policy.policy);
            if (made === null) {
              // Closed meanwhile, or another preview took its place.
              if (get().clusterId === clusterId) set({ saving: false });
              return { kind: 'failed' };
            }
            if (made.status === 'error' || deletions(made).length > 0) {
              set({ saving: false });
              return { kind: 'review' };
            }
          }
        }

        try {
          if (!sameSchedule(schedule.schedule, get().schedule?.schedule ?? null)) {
            try {
              const saved = await client.call('schedules.set', { clusterId, schedule: schedule.schedule });
              if (get().clusterId === clusterId) set({ schedule: saved, scheduleForm: scheduleFormOf(saved.schedule) });
            } catch (error) {
              if (get().clusterId === clusterId) set({ saveError: { part: 'schedule', error: toStoreError(error) } });
              return { kind: 'failed' };
            }
          }
          if (policyChanged) {
            try {
              await client.call('retention.set', { clusterId, policy: policy.policy });
              if (get().clusterId === clusterId) set({ policy: policy.policy });
            } catch (error) {
              if (get().clusterId === clusterId) set({ saveError: { part: 'retention', error: toStoreError(error) } });
              return { kind: 'failed' };
            }
          }
          return { kind: 'saved' };
        } finally {
          if (get().clusterId === clusterId) set({ saving: false });
        }
      },
    };
  });
}
