// Runs a benchmark that drives the engine in its own process with the engine's V8 flags, as the CLI and the app
// run it (electron/engine/v8-flags.ts): V8 takes them only at start, so a process started without them replaces
// itself (execve, same pid) with one that has them. Import this first.
import { missingV8Flags, nodeArgsWithV8Flags } from '../../electron/engine/v8-flags.ts';

if (missingV8Flags(process.execArgv).length > 0) {
  process.execve!(process.execPath, [process.execPath, ...nodeArgsWithV8Flags(process.execArgv, process.argv[1]!, process.argv.slice(2))], process.env);
}
