// The folder a file lives in says where it runs; the lint step enforces it. These cases prove the rules bite.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

describe('boundary lint rules', () => {
  it('refuses electron in the engine and the CLI', async () => {
    expect(await restrictedImports('electron/engine/bad.ts', "import { app } from 'electron';\nexport const x = app;\n")).toHaveLength(1);
    expect(await restrictedImports('electron/cli/bad.ts', "import log from 'electron-log';\nexport const x = log;\n")).toHaveLength(1);
  });

  it('refuses Node modules in the renderer, with or without the node: prefix', async () => {
    expect(await restrictedImports('renderer/src/bad.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toHaveLength(1);
    expect(await restrictedImports('renderer/src/bad.tsx', "import * as path from 'path';\nexport const x = path;\n")).toHaveLength(1);
    expect(await restrictedImports('renderer/src/bad.ts', "import Database from 'better-sqlite3';\nexport const x = Database;\n")).toHaveLength(1);
  });

  it('refuses Node, DOM globals, Electron and React in shared/', async () => {
    expect(await restrictedImports('shared/bad.ts', "import { join } from 'node:path';\nexport const x = join;\n")).toHaveLength(1);
    expect(await restrictedImports('shared/bad.ts', "export const x = window.location;\n")).toHaveLength(1);
    expect(await restrictedImports('shared/bad.ts', "import { useState } from 'react';\nexport const x = useState;\n")).toHaveLength(1);
  });

  it('allows what each place is for', async () => {
    expect(await restrictedImports('electron/main/ok.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([]);
    expect(await restrictedImports('electron/engine/ok.ts', "import { readFile } from 'node:fs/promises';\nexport const x = readFile;\n")).toEqual([]);
    expect(await restrictedImports('renderer/src/ok.tsx', "import { useState } from 'react';\nexport const x = useState;\n")).toEqual([]);
  });
});
