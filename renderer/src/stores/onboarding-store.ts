// The first-run onboarding: whether to show it (`onboarding.status`), step 1 the repository folder (the proposed
// one filled in, checked by the engine as the user types, then created or opened), step 2 the first cluster (the
// add-cluster dialog, or skipped), and finishing (`onboarding.complete`). Once shown, it stays until the user
// finishes, even when the engine would count the install as set up half-way (a repository and a cluster added).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { OnboardingStatus } from '../../../shared/model/onboarding.js';
import { repositoryPathSchema, type RepositoryCheck } from '../../../shared/model/repository.js';
import type { EngineClient } from '../ipc/connect.js';
import { createLatestCall } from './latest-call.js';
import { REPOSITORY_PATH_MAX } from './repository-store.js';
import { toStoreError, type LoadStatus, type StoreError } from './store-error.js';

/** How long typing must pause before the folder is checked. */
export const CHECK_DELAY_MS = 400;

export type OnboardingStep = 'repository' | 'cluster';
export type OnboardingPathProblem = 'required' | 'too-long' | 'not-absolute';

export type FolderCheck =
  | { state: 'checking'; path: string; result: RepositoryCheck | null }
  | { state: 'done'; path: string; result: RepositoryCheck }
  | { state: 'failed'; path: string; error: StoreError };

export interface OnboardingState {
  status: OnboardingStatus | null;
  loadStatus: LoadStatus;
  loadError: StoreError | null;
  /** The onboarding is on screen: set by a load that found it not completed, cleared by finishing. */
  active: boolean;
  step: OnboardingStep;
  pathInput: string;
  /** What is wrong with the typed folder before the engine is asked (null: nothing, or not checked yet). */
  pathProblem: OnboardingPathProblem | null;
  /** The engine's check of the typed folder (the previous result stays while the next one is on its way). */
  check: FolderCheck | null;
  using: boolean;
  useError: StoreError | null;
  finishing: boolean;
  finishError: StoreError | null;
  addingLab: boolean;
  addLabError: StoreError | null;
  load(): Promise<void>;
  setPathInput(path: string): void;
  /** Checks the typed folder now (also what a pause in typing does). */
  checkNow(): Promise<RepositoryCheck | null>;
  /** Creates or opens the repository in the typed folder, as the check says; moves to the cluster step. */
  useRepository(): Promise<boolean>;
  backToRepository(): void;
  /** Adds the development lab on this machine as the first cluster (offered only when the engine found one). */
  addLab(): Promise<boolean>;
  /** Marks the onboarding done (with or without a cluster); resolves true once it is. */
  finish(): Promise<boolean>;
}

export type OnboardingStore = StoreApi<OnboardingState>;

export interface OnboardingStoreOptions {
  checkDelayMs?: number;
  setTimer?: (callback: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** The problem the contract would find in a folder, in words the view translates. */
export function onboardingPathProblem(path: string): OnboardingPathProblem | null {
  const trimmed = path.trim();
  if (trimmed === '') return 'required';
  if (trimmed.length > REPOSITORY_PATH_MAX) return 'too-long';
  return repositoryPathSchema.safeParse(trimmed).success ? null : 'not-absolute';
}

export function createOnboardingStore(client: EngineClient, options: OnboardingStoreOptions = {}): OnboardingStore {
  const delay = options.checkDelayMs ?? CHECK_DELAY_MS;
  const setTimer = options.setTimer ?? ((callback: () => void, ms: number): unknown => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((timer: unknown): void => clearTimeout(timer as ReturnType<typeof setTimeout>));
  const statusCall = createLatestCall();
  const checkCall = createLatestCall();
  let pendingCheck: unknown = null;

  return createStore<OnboardingState>()((set, get) => {
    const cancelPendingCheck = (): void => {
      if (pendingCheck !== null) clearTimer(pendingCheck);
      pendingCheck = null;
    };

    const checkNow = async (): Promise<RepositoryCheck | null> => {
      cancelPendingCheck();
      const path = get().pathInput.trim();
      const pathProblem = onboardingPathProblem(path);
      set({ pathProblem });
      if (pathProblem !== null) {
        set({ check: null });
        return null;
      }
      // Checking the same folder again keeps its answer on screen meanwhile.
      const previous = get().check;
      set({ check: { state: 'checking', path, result: previous?.state === 'done' && previous.path === path ? previous.result : null } });
      const outcome = await checkCall.run((signal) => client.call('repository.check', { path }, { signal }));
      if (outcome.kind === 'superseded') return null;
      if (outcome.kind === 'failed') {
        set({ check: { state: 'failed', path, error: outcome.error } });
        return null;
      }
      set({ check: { state: 'done', path, result: outcome.value } });
      return outcome.value;
    };

    return {
      status: null,
      loadStatus: 'idle',
      loadError: null,
      active: false,
      step: 'repository',
      pathInput: '',
      pathProblem: null,
      check: null,
      using: false,
      useError: null,
      finishing: false,
      finishError: null,
      addingLab: false,
      addLabError: null,

      async load() {
        set({ loadStatus: 'loading', loadError: null });
        const outcome = await statusCall.run((signal) => client.call('onboarding.status', {}, { signal }));
        if (outcome.kind === 'superseded') return;
        if (outcome.kind === 'failed') {
          set({ loadStatus: 'error', loadError: outcome.error });
          return;
        }
        const status = outcome.value;
        set({ status, loadStatus: 'ready' });
        if (!status.completed && !get().active) {
          // The configured repository (set up from the CLI, or before a restart half-way) or the proposed folder.
          set({ active: true, step: 'repository', pathInput: status.repositoryPath ?? status.proposedRepositoryPath ?? '' });
          if (get().pathInput !== '') await checkNow();
        }
      },

      setPathInput(path) {
        cancelPendingCheck();
        // A problem shown goes as soon as the text fixes it; the engine is asked once typing pauses. Until its
        // answer the folder counts as being checked: the answer about the previous text no longer holds.
        const problem = onboardingPathProblem(path);
        set({
          pathInput: path,
          useError: null,
          pathProblem: get().pathProblem === null ? null : problem,
          check: problem === null ? { state: 'checking', path: path.trim(), result: null } : null,
        });
        if (problem === null) pendingCheck = setTimer(() => void checkNow(), delay);
      },

      checkNow,

      async useRepository() {
        if (get().using) return false;
        set({ using: true, useError: null });
        const current = get().check;
        const path = get().pathInput.trim();
        const check = current?.state === 'done' && current.path === path ? current.result : await checkNow();
        if (check === null || check.action === null) {
          // The check on screen says why; nothing is asked of the engine.
          set({ using: false });
          return false;
        }
        try {
          const repository = await client.call('repository.use', { path, create: check.action === 'create' });
          const status = get().status;
          set({
            using: false,
            step: 'cluster',
            status: status ? { ...status, repositoryConfigured: true, repositoryPath: repository.path } : status,
          });
          return true;
        } catch (error) {
          set({ using: false, useError: toStoreError(error) });
          return false;
        }
      },

      backToRepository() {
        set({ step: 'repository', finishError: null });
      },

      async addLab() {
        if (get().addingLab) return false;
        set({ addingLab: true, addLabError: null });
        try {
          await client.call('onboarding.addLab', {});
          set({ addingLab: false });
          return true;
        } catch (error) {
          set({ addingLab: false, addLabError: toStoreError(error) });
          return false;
        }
      },

      async finish() {
        if (get().finishing) return false;
        set({ finishing: true, finishError: null });
        try {
          const status = await client.call('onboarding.complete', {});
          set({ status, finishing: false, active: false });
          return true;
        } catch (error) {
          set({ finishing: false, finishError: toStoreError(error) });
          return false;
        }
      },
    };
  });
}
