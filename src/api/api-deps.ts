import type { DeskEvents, ServiceCatalog } from '../desk/index.js';
import type { RoutineStatus } from '../monitors/index.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { Metrics } from '../shared/metrics.js';
import type { Store } from '../store/ports.js';

export interface ApiDeps {
  store: Store;
  clock: Clock;
  services: ServiceCatalog;
  logger: Logger;
  metrics: Metrics;
  events?: DeskEvents;
  version: string;
  /** Key the gateways hash tokens with; needed to revoke a token by value. */
  tokenKey?: string;
  /** Shared secrets of inbound alert sources per service, from the variables the playbooks name. */
  inboundSecrets?: InboundSecrets;
  /** service → the monitors that run for it (those whose variables are set). */
  monitorNames?: ReadonlyMap<string, readonly string[]>;
  /** The routines' schedule, when the app runs them. */
  routines?: { list(now: Date): Promise<RoutineStatus[]> };
}

/** service → the secrets its inbound alert sources accept (empty: that service accepts no inbound alerts). */
export type InboundSecrets = ReadonlyMap<string, readonly string[]>;
