import { credentialStuffing } from './catalog/credential-stuffing.js';
import { fiveXxRegression } from './catalog/five-xx-regression.js';
import { requestFlood } from './catalog/request-flood.js';
import { revokeAllSessions } from './catalog/revoke-all-sessions.js';
import { storageFailure } from './catalog/storage-failure.js';
import { tokenEnumeration } from './catalog/token-enumeration.js';
import { tokenMassDownload } from './catalog/token-mass-download.js';
import { xffSpoofing } from './catalog/xff-spoofing.js';
import type { Drill } from './drill.js';

/** Every drill, in the order `rampart drill all` runs them. */
export const DRILLS: readonly Drill[] = [
  tokenEnumeration,
  credentialStuffing,
  requestFlood,
  xffSpoofing,
  tokenMassDownload,
  fiveXxRegression,
  storageFailure,
  revokeAllSessions,
];

export const findDrill = (name: string): Drill | undefined => DRILLS.find((d) => d.name === name);

export {
  runDrill,
  DEFAULT_LIMITS,
  DrillRun,
  DrillFailure,
  type Drill,
  type DrillContext,
  type DrillLimits,
  type DrillReport,
  type DrillStep,
} from './drill.js';
export { RampartApi } from './rampart-api.js';
export { StandinClient } from './standin-client.js';
export { closeAgents } from './http.js';
export { isLoopbackHost, loopbackUrl } from './loopback.js';
export { UNTRUSTED_PEER } from './catalog/xff-spoofing.js';
