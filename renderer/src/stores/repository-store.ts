// The repository, as Settings shows it: where it is and whether it can be used now (`repository.get`), choosing
// another folder or creating a new one there (`repository.use`), and the two maintenance jobs a user starts by
// hand, verify and prune, whose job the view then opens.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { RepositoryStatus } from '../../../shared/model/repository.js';
import type { EngineClient } from '../ipc/connect.js';
import { createLatestCall } from './latest-call.js';
import { toStoreError, type LoadStatus, type StoreError } from './store-error.js';

/** The contract's limit on a repository path. */
export const REPOSITORY_PATH_MAX = 4096;

export type PathProblem = 'required' | 'too-long';
export type MaintenanceKind = 'verify' | 'prune';

export interface MaintenanceStart {
  starting: boolean;
  error: StoreError | null;
}

export type MaintenanceOutcome = { ok: true; jobId: string } | { ok: false };

export interface RepositoryState {
  repository: RepositoryStatus | null;
  status: LoadStatus;
  error: StoreError | null;
  /** The folder field, as typed; filled with the configured folder until the user types. */
  pathInput: string;
  /** Whether to create a new repository in the folder rather than open the one there. */
  createNew: boolean;
  pathProblem: PathProblem | null;
  using: boolean;
  useError: StoreError | null;
  maintenance: Readonly<Record<MaintenanceKind, MaintenanceStart>>;
  load(): Promise<void>;
  setPathInput(path: string): void;
  setCreateNew(createNew: boolean): void;
  /** Opens (or creates) the repository in the typed folder; resolves true once it is the repository. */
  use(): Promise<boolean>;
  /** Starts a verify or prune job; resolves with its id to open. */
  startMaintenance(kind: MaintenanceKind): Promise<MaintenanceOutcome>;
}

export type RepositoryStore = StoreApi<RepositoryState>;

export function checkRepositoryPath(path: string): PathProblem | null {
  const trimmed = path.trim();
  if (trimmed === '') return 'required';
  return trimmed.length > REPOSITORY_PATH_MAX ? 'too-long' : null;
}

const IDLE: MaintenanceStart = { starting: false, error: null };

export function createRepositoryStore(client: EngineClient): RepositoryStore {
  const getCall = createLatestCall();
  /** Whether the user changed the folder field (then a refreshed status does not overwrite it). */
  let edited = false;

  return createStore<RepositoryState>()((set, get) => {
    const show = (repository: RepositoryStatus): void => {
      set({ repository, status: 'ready', error: null, ...(edited ? {} : { pathInput: repository.path ?? '' }) });
    };

    return {
      repository: null,
      status: 'idle',
      error: null,
      pathInput: '',
      createNew: false,
      pathProblem: null,
      using: false,
      useError: null,
      maintenance: { verify: IDLE, prune: IDLE },

      async load() {
        set({ status: 'loading', error: null });
        const outcome = await getCall.run((signal) => client.call('repository.get', {}, { signal }));
        if (outcome.kind === 'done') show(outcome.value);
        else if (outcome.kind === 'failed') set({ status: 'error', error: outcome.error });
      },

      setPathInput(path) {
        edited = true;
        // A problem shown goes as soon as the text fixes it; a new one waits for the next "Use".
        set({ pathInput: path, pathProblem: get().pathProblem === null ? null : checkRepositoryPath(path), useError: null });
      },

      setCreateNew(createNew) {
        set({ createNew, useError: null });
      },

      async use() {
        if (get().using) return false;
        const path = get().pathInput.trim();
        const pathProblem = checkRepositoryPath(path);
        set({ pathProblem, useError: null });
        if (pathProblem !== null) return false;
        set({ using: true });
        try {
          const repository = await client.call('repository.use', { path, create: get().createNew });
          edited = false;
          show(repository);
          set({ using: false, createNew: false });
          return true;
        } catch (error) {
          set({ using: false, useError: toStoreError(error) });
          return false;
        }
      },

      async startMaintenance(kind) {
        if (get().maintenance[kind].starting) return { ok: false };
        const patch = (change: MaintenanceStart): void => set({ maintenance: { ...get().maintenance, [kind]: change } });
        patch({ starting: true, error: null });
        try {
          const { jobId } = kind === 'verify' ? await client.call('verify.start', {}) : await client.call('prune.start', {});
          patch(IDLE);
          return { ok: true, jobId };
        } catch (error) {
          patch({ starting: false, error: toStoreError(error) });
          return { ok: false };
        }
      },
    };
  });
}
