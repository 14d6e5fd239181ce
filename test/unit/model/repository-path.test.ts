import { describe, expect, it } from 'vitest';
import { repositoryPathSchema } from '../../../shared/model/repository.js';

describe('repositoryPathSchema', () => {
  it('takes full paths: POSIX, Windows drive, UNC share', () => {
    for (const path of ['/srv/backup', ' /mnt/nas/lifeboat ', 'D:\\Backups', 'e:/backups', '\\\\nas\\backup']) {
      expect(repositoryPathSchema.safeParse(path).success, path).toBe(true);
    }
  });

  it('refuses relative paths and URLs, which would land wherever the engine runs', () => {
    for (const path of ['backup', './repo', '~/backup', 'smb://user@nas/share', 'C:relative', '']) {
      const parsed = repositoryPathSchema.safeParse(path);
      expect(parsed.success, path).toBe(false);
    }
    expect(repositoryPathSchema.safeParse('repo').error?.issues[0]?.message).toMatch(/full path/);
  });
});
