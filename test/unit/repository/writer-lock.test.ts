// The writer lock: one writer at a time across processes, readers unaffected, stale locks broken with a log
// line saying why, live ones never.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Repository, RepositoryLockedError, WriterLockError } from '../../../electron/engine/repository/index.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';
import { manualClock, seededBytes, silentLogger, spawnFixture, waitForExit, waitForLine } from './support.js';

describe('writer lock', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let dir: string;
  let lockFile: string;
  beforeEach(async () => {
    temp = makeTempDir('lock');
    dir = join(temp.dir, 'repo');
    lockFile = join(dir, 'locks', 'writer.lock');
    await Repository.init(dir, { clock: manualClock(), logger: silentLogger() });
  });
  afterEach(() => temp.remove());

  it('admits one writer across processes; readers go on; released, the next writer gets it', async () => {
    const child = spawnFixture('hold-lock.ts', [dir]);
    try {
      await waitForLine(child, 'locked');
      const error = await Repository.open(dir, { clock: manualClock(new Date()), logger: silentLogger(), writer: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RepositoryLockedError);
      expect((error as RepositoryLockedError).holder).toMatchObject({ pid: child.pid, hostname: hostname(), purpose: 'lock-test' });
      expect((error as Error).message).toMatch(new RegExp(`lock-test by process ${child.pid} on `));

      const reader = await Repository.open(dir, { clock: manualClock(), logger: silentLogger() });
      expect((await reader.points.list()).points).toEqual([]);
      expect((await reader.lockHolder())?.pid).toBe(child.pid);

      // The holder refreshes its heartbeat (every 100 ms in the fixture).
      const first = (await reader.lockHolder())?.heartbeatAt;
      await vi.waitFor(async () => expect((await reader.lockHolder())?.heartbeatAt).not.toBe(first), { timeout: 5000, interval: 50 });

      child.stdin.end();
      await waitForLine(child, 'released');
    } finally {
      child.kill('SIGKILL');
      await waitForExit(child);
    }
    const repo = await Repository.open(dir, { clock: manualClock(new Date()), logger: silentLogger(), writer: true });
    expect(repo.writerLock?.holder.pid).toBe(process.pid);
    await repo.close();
    expect(await repo.lockHolder()).toBeNull();
  });

  it('breaks the lock of a writer killed with SIGKILL (its process is gone on this host), logging why', async () => {
    const child = spawnFixture('hold-lock.ts', [dir]);
    await waitForLine(child, 'locked');
    child.kill('SIGKILL');
    await waitForExit(child);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: child.pid });

    const { logger, records } = createMemoryLogger();
    const repo = await Repository.open(dir, { clock: manualClock(new Date()), logger, writer: true });
    const line = records.find((r) => r.message === 'Broke a stale repository writer lock');
    expect(line?.level).toBe('warn');
    expect(line?.fields['reason']).toBe(`process ${child.pid} is no longer running on this host`);
    expect(repo.writerLock?.holder.pid).toBe(process.pid);
    await repo.close();
  });

  const foreignLock = (heartbeatAt: Date, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({
      format: 'lifeboat-lock',
      version: 1,
      id: randomUUID(),
      pid: 4242,
      hostname: 'backup-server-2.example.lan',
      purpose: 'backup',
      startedAt: heartbeatAt.toISOString(),
      heartbeatAt: heartbeatAt.toISOString(),
      ...extra,
    });

  it('leaves a lock from another host alone while its heartbeat is fresh, and breaks it once stale', async () => {
    const clock = manualClock(new Date('2025-03-01T10:00:00.000Z'));
    writeFileSync(lockFile, foreignLock(new Date('2025-03-01T09:55:00.000Z')));
    const { logger, records } = createMemoryLogger();
    const error = await Repository.open(dir, { clock, logger, writer: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryLockedError);
    expect((error as RepositoryLockedError).holder?.hostname).toBe('backup-server-2.example.lan');

    clock.advance(6 * 60_000); // heartbeat now 11 minutes old; stale after 10
    const repo = await Repository.open(dir, { clock, logger, writer: true });
    expect(records.find((r) => r.message === 'Broke a stale repository writer lock')?.fields['reason']).toMatch(/last heartbeat 660 s ago \(stale after 600 s\)/);
    await repo.close();
  });

  it('breaks a lock left by an earlier process that had this same pid (containers restart with the same pids)', async () => {
    writeFileSync(lockFile, foreignLock(new Date(), { pid: process.pid, hostname: hostname() }));
    const { logger, records } = createMemoryLogger();
    const repo = await Repository.open(dir, { clock: manualClock(new Date()), logger, writer: true });
    expect(records.find((r) => r.message === 'Broke a stale repository writer lock')?.fields['reason']).toMatch(/earlier process/);
    // But a second instance in this process, while the first holds the lock, is refused.
    await expect(Repository.open(dir, { clock: manualClock(new Date()), logger, writer: true })).rejects.toBeInstanceOf(RepositoryLockedError);
    await repo.close();
  });

  it('judges an unreadable lock file by its age', async () => {
    writeFileSync(lockFile, '');
    const error = await Repository.open(dir, { clock: manualClock(new Date()), logger: silentLogger(), writer: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RepositoryLockedError);
    expect((error as RepositoryLockedError).holder).toBeNull();
    const old = new Date(Date.now() - 30 * 60_000);
    utimesSync(lockFile, old, old);
    const repo = await Repository.open(dir, { clock: manualClock(new Date()), logger: silentLogger(), writer: true });
    await repo.close();
  });

  it('notices when its lock was broken or removed, and stops writes', async () => {
    const { logger, records } = createMemoryLogger();
    const repo = await Repository.open(dir, { clock: manualClock(new Date()), logger, writer: { heartbeatIntervalMs: 20 } });
    const lock = repo.writerLock;
    if (!lock) throw new Error('expected the lock');
    expect(lock.held).toBe(true);
    await lock.verify();
    // Another process decided it was stale and took over.
    writeFileSync(lockFile, foreignLock(new Date()));
    await vi.waitFor(() => expect(lock.held).toBe(false), { timeout: 5000, interval: 20 });
    expect(lock.signal.aborted).toBe(true);
    expect(lock.signal.reason).toBeInstanceOf(WriterLockError);
    expect(records.some((r) => r.level === 'error' && r.message === 'Lost the repository writer lock')).toBe(true);
    await expect(repo.chunks.put(seededBytes('after-loss', 100))).rejects.toBeInstanceOf(WriterLockError);
    await expect(lock.verify()).rejects.toBeInstanceOf(WriterLockError);
    // Releasing leaves the other writer's lock in place.
    await repo.close();
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ hostname: 'backup-server-2.example.lan' });

    rmSync(lockFile);
    const again = await Repository.open(dir, { clock: manualClock(new Date()), logger, writer: true });
    rmSync(lockFile);
    await expect(again.writerLock?.verify()).rejects.toThrow(/removed/);
    expect(again.writerLock).toBeNull();
    await again.close();
  });
});
