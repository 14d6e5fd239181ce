// V8 flags for every process that runs the engine (the desktop app's main process, the `lifeboat` CLI and
// `lifeboat serve`). V8 reads them once, when it starts: set later (v8.setFlagsFromString) this one crashes the
// process at the next collection. So each entry point starts its process with them: the CLI's launcher execs
// itself with them, the desktop app relaunches itself with them as `--js-flags`.

/**
 * `--single-threaded-gc`: V8 collects on the thread that allocates instead of also marking on helper threads.
 * A backup streams its data through short-lived buffers (ssh2 gets a fresh one for every socket read), and V8
 * answers that external memory with about ten full collections a second. On helper threads those cost more
 * CPU than they spare (the process's threads besides the main one, hashing included: 4.5 s against 1.8 s with
 * this flag, for the same 1.75 GiB over SSH), and the machine is CPU-bound over SSH: with it a full backup over
 * SSH took 7.5 s instead of 9-10 s, and the main thread itself used less CPU (4.9 s against 5.4 s). The engine's
 * heap is small (about 16 MB live), so each collection on the main thread is a few milliseconds.
 * docs/BENCHMARKS.md has the figures.
 */
export const ENGINE_V8_FLAGS: readonly string[] = ['--single-threaded-gc'];

/** The engine flags a process was not started with (`process.execArgv`, or the words of Electron's `--js-flags`). */
export function missingV8Flags(startedWith: readonly string[]): string[] {
  return ENGINE_V8_FLAGS.filter((flag) => !startedWith.includes(flag));
}

/**
 * The arguments for node (after its path) to run `script` again with the engine's flags first: the other node
 * options this process was started with are kept, each flag appears once.
 */
export function nodeArgsWithV8Flags(execArgv: readonly string[], script: string, args: readonly string[]): string[] {
  return [...ENGINE_V8_FLAGS, ...execArgv.filter((arg) => !ENGINE_V8_FLAGS.includes(arg)), script, ...args];
}
