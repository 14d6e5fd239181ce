import { describe, expect, it } from 'vitest';
import { ENGINE_V8_FLAGS } from '../../../electron/engine/v8-flags.js';
import { RELAUNCHED_ENV, relaunchArgsForV8Flags } from '../../../electron/main/v8-relaunch.js';

const ALL = ENGINE_V8_FLAGS.join(' ');

describe('relaunchArgsForV8Flags', () => {
  it('relaunches a packaged app started bare with the flags and its own arguments', () => {
    expect(relaunchArgsForV8Flags(['/opt/Lifeboat/lifeboat', '--no-sandbox', 'lifeboat://open'], '', {})).toEqual([
      `--js-flags=${ALL}`,
      '--no-sandbox',
      'lifeboat://open',
    ]);
  });

  it('keeps the app folder of a development start and the V8 flags already given', () => {
    expect(relaunchArgsForV8Flags(['/x/electron', '--js-flags=--max-old-space-size=4096', '.'], '--max-old-space-size=4096', {})).toEqual([
      `--js-flags=--max-old-space-size=4096 ${ALL}`,
      '.',
    ]);
  });

  it('goes on when started with the flags, among others', () => {
    expect(relaunchArgsForV8Flags(['/x/electron', '.'], `--expose-gc  ${ALL}`, {})).toBeNull();
  });

  it('never relaunches twice, even when the flags did not arrive', () => {
    expect(relaunchArgsForV8Flags(['/x/electron', '.'], '', { [RELAUNCHED_ENV]: '1' })).toBeNull();
  });
});
