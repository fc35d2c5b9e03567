/**
 * `portico setup`: the first-time changes a new user needs — the root trusted in every store and
 * the hosts block for names outside `.localhost` — as one action with one administrator prompt
 * (issue 4, "one consent per user action"; consent.ts). Each half reports its own outcome.
 */
import type { Config } from '../../shared/config';
import { syncHosts, type HostsSyncOptions, type HostsSyncResult } from './domains';
import { withOneConsent } from './system/consent';
import type { TrustService } from './trust';
import type { LabelledTrustState } from './truststore';

export interface MachineSetup {
  trust: LabelledTrustState[];
  hosts: HostsSyncResult;
}

export function setUpMachine(options: {
  trust: Pick<TrustService, 'install'>;
  /** Store ids to trust in (all of this platform's when absent). */
  stores?: readonly string[];
  config: Pick<Config, 'projects'>;
  hosts: HostsSyncOptions;
}): Promise<MachineSetup> {
  return withOneConsent<[LabelledTrustState[], HostsSyncResult]>([() => options.trust.install(options.stores), () => syncHosts(options.config, options.hosts)]).then(([trust, hosts]) => ({ trust, hosts }));
}
