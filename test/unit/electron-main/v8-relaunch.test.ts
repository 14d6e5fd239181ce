import { describe, expect, it } from 'vitest';
import { ENGINE_V8_FLAGS, nodeArgsWithV8Flags } from '../../../electron/engine/v8-flags.js';
import { RELAUNCHED_ENV, relaunchForV8Flags } from '../../../electron/main/v8-relaunch.js';

const ALL = ENGINE_V8_FLAGS.join(' ');

describe('relaunchForV8Flags', () => {
  it('relaunches a packaged app started bare with the flags and its own arguments', () => {
    expect(relaunchForV8Flags(['/opt/Lifeboat/lifeboat', '--no-sandbox', 'lifeboat://open'], '', {})).toEqual({
      args: [`--js-flags=${ALL}`, '--no-sandbox', 'lifeboat://open'],
    });
  });

  it('keeps the app folder of a development start and the V8 flags already given', () => {
    expect(relaunchForV8Flags(['/x/electron', '--js-flags=--max-old-space-size=4096', '.'], '--max-old-space-size=4096', {})).toEqual({
      args: [`--js-flags=--max-old-space-size=4096 ${ALL}`, '.'],
    });
  });

  it('relaunches an AppImage through the AppImage file, not the binary inside its mount', () => {
    expect(relaunchForV8Flags(['/tmp/.mount_LifebXYZ/lifeboat'], '', { APPIMAGE: '/home/me/Lifeboat.AppImage' })).toEqual({
      args: [`--js-flags=${ALL}`],
      execPath: '/home/me/Lifeboat.AppImage',
    });
  });

  it('goes on when started with the flags, among others', () => {
    expect(relaunchForV8Flags(['/x/electron', '.'], `--expose-gc  ${ALL}`, {})).toBeNull();
  });

  it('never relaunches twice, even when the flags did not arrive', () => {
    expect(relaunchForV8Flags(['/x/electron', '.'], '', { [RELAUNCHED_ENV]: '1' })).toBeNull();
  });
});

describe('nodeArgsWithV8Flags', () => {
  it('puts the flags first, keeps the other node options and the arguments, and repeats no flag', () => {
    expect(nodeArgsWithV8Flags(['--inspect', ENGINE_V8_FLAGS[0]!], '/p/lifeboat.mjs', ['backup', '--json'])).toEqual([
      ...ENGINE_V8_FLAGS,
      '--inspect',
      '/p/lifeboat.mjs',
      'backup',
      '--json',
    ]);
  });
});
