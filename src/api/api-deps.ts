import type { DeskEvents, ServiceCatalog } from '../desk/index.js';
import type { RoutineStatus } from '../monitors/index.js';
import type { Playbook } from '../playbook/index.js';
import type { LiveFeed } from './live/live-feed.js';
import type { TrafficView } from '../traffic/index.js';
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
  /** RAMPART_PUBLIC_URL: an https one makes the console's cookie Secure behind a TLS-terminating proxy. */
  publicUrl?: string;
  /** The loaded playbooks: their explanation, and their comms for the next update due. */
  playbooks?: readonly Playbook[];
  /** Live changes for the console's event stream. */
  live?: LiveFeed;
  /** Traffic and token analytics, when this process sees request events. */
  traffic?: TrafficView;
  /** Brings the scrape-time figures up to date before /metrics answers. */
  refreshMetrics?: () => Promise<void>;
  /** Why the running app is degraded (sources, outbox); /healthz lists them. */
  healthReasons?: () => Promise<readonly { code: string; message: string }[]>;
  /** Refusals counted by this process and not yet in the store, added to each mitigation's total. */
  unflushedRefusals?: (mitigationId: string) => number;
  /** Where the built console lives; unset: dist/web beside this package. */
  consoleDir?: string;
}

/** service → the secrets its inbound alert sources accept (empty: that service accepts no inbound alerts). */
export type InboundSecrets = ReadonlyMap<string, readonly string[]>;
