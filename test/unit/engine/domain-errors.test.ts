import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import { CatalogError } from '../../../electron/engine/catalog/catalog.js';
import { HypervisorError } from '../../../electron/engine/hypervisors/driver.js';
import { domainErrorToIpc } from '../../../electron/engine/ipc/domain-errors.js';
import { PointNotFoundError, RepositoryLockedError, RepositoryNotFoundError } from '../../../electron/engine/repository/errors.js';

describe('domainErrorToIpc', () => {
  it('gives repository, hypervisor and catalog errors a code the UI can act on, keeping their message', () => {
    const notRepo = domainErrorToIpc(new RepositoryNotFoundError('/mnt/nas', 'there is no lifeboat-repo.json'));
    expect(notRepo?.code).toBe('not_found');
    expect(notRepo?.message).toContain('/mnt/nas');
    expect(domainErrorToIpc(new PointNotFoundError('1234'))?.code).toBe('not_found');
    expect(domainErrorToIpc(new RepositoryLockedError('/r/locks/writer.lock', null))?.code).toBe('conflict');
    expect(domainErrorToIpc(new HypervisorError('unreachable', 'host kvm1 is unreachable'))?.toValue()).toEqual({
      code: 'unavailable',
      message: 'host kvm1 is unreachable',
      reason: 'unreachable',
    });
    expect(domainErrorToIpc(new HypervisorError('timeout', 'slow'))?.code).toBe('timeout');
    expect(domainErrorToIpc(new CatalogError('catalog_too_new', 'newer'))?.code).toBe('unavailable');
  });

  it('passes IPC errors through and leaves anything else to be answered as internal', () => {
    const ipc = new IpcError('conflict', 'taken');
    expect(domainErrorToIpc(ipc)).toBe(ipc);
    expect(domainErrorToIpc(new TypeError('x is undefined'))).toBeNull();
  });
});
