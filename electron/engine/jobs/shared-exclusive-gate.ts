// An in-process readers/writer gate over the repository: backups share it (each adds chunks and a manifest, and
// none deletes), prune and garbage collection take it alone (a sweep must never run while a backup has stored
// chunks its manifest does not reference yet). Waiters are served in arrival order, so a waiting prune is not
// starved by a stream of backups, and backups queued behind it wait for it.
export interface GateRelease {
  (): void;
}

interface Waiter {
  exclusive: boolean;
  grant: () => void;
}

export class SharedExclusiveGate {
  #shared = 0;
  #exclusive = false;
  readonly #waiters: Waiter[] = [];

  get sharedHolders(): number {
    return this.#shared;
  }

  get exclusiveHeld(): boolean {
    return this.#exclusive;
  }

  shared(signal?: AbortSignal): Promise<GateRelease> {
    return this.#acquire(false, signal);
  }

  exclusive(signal?: AbortSignal): Promise<GateRelease> {
    return this.#acquire(true, signal);
  }

  #acquire(exclusive: boolean, signal?: AbortSignal): Promise<GateRelease> {
    signal?.throwIfAborted();
    return new Promise<GateRelease>((resolve, reject) => {
      const waiter: Waiter = {
        exclusive,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          if (exclusive) this.#exclusive = true;
          else this.#shared += 1;
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            if (exclusive) this.#exclusive = false;
            else this.#shared -= 1;
            this.#pump();
          });
        },
      };
      const onAbort = (): void => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(signal!.reason instanceof Error ? signal!.reason : new DOMException('The operation was aborted', 'AbortError'));
        this.#pump();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#waiters.length > 0 && !this.#exclusive) {
      const head = this.#waiters[0]!;
      if (head.exclusive) {
        if (this.#shared > 0) return;
        this.#waiters.shift();
        head.grant();
        return;
      }
      this.#waiters.shift();
      head.grant();
    }
  }
}
