// "Test connection" for one host, as the add-cluster dialog and `lifeboat cluster add` use it: connect, ask the
// host what it is, and report — including, on first contact over SSH, the host key the user must confirm.
import type { HostSpec, HostTestResult } from '../../../shared/model/cluster.js';
import { HypervisorError, type HostSession, type HypervisorDriver } from '../hypervisors/driver.js';
import type { Logger } from '../logging/logger.js';

export async function testHostConnection(
  driver: HypervisorDriver,
  spec: HostSpec,
  secret: string | null,
  options: { logger: Logger; signal?: AbortSignal; timeoutMs: number },
): Promise<HostTestResult> {
  let session: HostSession | null = null;
  try {
    session = await driver.connect(spec, {
      secret,
      timeoutMs: options.timeoutMs,
      logger: options.logger,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const info = await session.info(options.signal);
    const vms = await session.listVms(options.signal);
    return {
      status: 'ok',
      hostname: info.hostname,
      libvirtVersion: info.libvirtVersion,
      hypervisorVersion: info.hypervisorVersion,
      vmCount: vms.length,
      ...(spec.transport === 'ssh' && spec.hostKeyFingerprint ? { hostKeyFingerprint: spec.hostKeyFingerprint } : {}),
    };
  } catch (error) {
    if (error instanceof HypervisorError) {
      if (error.code === 'host_key_unknown' && error.fingerprint) return { status: 'host_key_unknown', fingerprint: error.fingerprint };
      if (error.code === 'host_key_mismatch' && error.fingerprint && error.expectedFingerprint) {
        return { status: 'host_key_mismatch', expected: error.expectedFingerprint, actual: error.fingerprint };
      }
      return { status: 'failed', code: error.code, message: error.message };
    }
    options.logger.warn('host test failed unexpectedly', { error });
    return { status: 'failed', code: 'internal', message: error instanceof Error ? error.message : String(error) };
  } finally {
    await session?.close().catch(() => undefined);
  }
}
