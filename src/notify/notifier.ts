import type { DeskEvent } from '../desk/desk-events.js';
import type { Incident } from '../domain/incident.js';
import type { Mitigation } from '../domain/mitigation.js';
import type { CommsSpec, Playbook } from '../playbook/index.js';
import { createScheduler, type Scheduler } from '../scheduler/index.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { OutboxMessage, Store, StoreRepos } from '../store/ports.js';
import type { BackoffPolicy } from './backoff.js';
import { runCadence, DEFAULT_UPDATE_GRACE_MS } from './cadence.js';
import type { Channel, ChannelKind, Env } from './channels/channel.js';
import { emailChannel } from './channels/email.js';
import { pagerDutyChannel } from './channels/pagerduty.js';
import { slackChannel } from './channels/slack.js';
import { webhookChannel } from './channels/webhook.js';
import { composeMessage, describeMitigationChange, summarizeMitigation } from './compose-message.js';
import { createDispatcher, type DispatchSummary } from './dispatcher.js';
import type { NotifyEvent } from './message.js';
import { enqueueAll, type Enqueue } from './outbox.js';
import { DEFAULT_POSTMORTEM_LEAD_MS, runPostmortemReminders } from './postmortem-reminders.js';
import { routeEvent, statusEvents } from './routing.js';
import { settleNotifyStepOnEnqueue } from './settle-notify-step.js';
import { tenantDirectoryFromEnv, type TenantDirectory } from './tenant-directory.js';
import { compileTemplate, type CompiledTemplate } from './templates.js';

export interface NotifierOptions {
  store: Store;
  clock: Clock;
  playbooks: readonly Playbook[];
  /** Where secrets are read from when a message is sent (process.env in production). */
  env: Env;
  logger: Logger;
  /**
   * Base URL of the console, for links in messages (RAMPART_PUBLIC_URL); a function when it is only known once
   * the API listens.
   */
  publicUrl?: string | (() => string | undefined) | undefined;
  /** PagerDuty Events API v2 endpoint; tests point it at a local receiver. */
  pagerDutyEventsUrl?: string | undefined;
  /** Replaces a built-in channel (tests, or a future channel kind). */
  channels?: Partial<Record<ChannelKind, Channel>>;
  tenants?: TenantDirectory;
  httpTimeoutMs?: number;
  leaseMs?: number;
  heartbeatMs?: number;
  concurrency?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  owner?: string;
  updateGraceMs?: number;
  /** How long before a post-mortem's due date its reminder goes out (24 h by default). */
  postmortemLeadMs?: number;
  dispatchIntervalMs?: number;
  tickIntervalMs?: number;
}

export interface Notifier {
  /**
   * The desk bus's transactional listener: routes a desk event into the outbox inside the transaction of the
   * change that caused it, so the change and its messages commit together (a crash loses neither alone).
   */
  enqueueWithin(tx: StoreRepos, event: DeskEvent): Promise<OutboxMessage[]>;
  /** The desk bus's after-commit listener: wakes the dispatcher for what was just enqueued. Never throws. */
  onDeskEvent(event: DeskEvent): void;
  /** Routes one desk event into the outbox in a transaction of its own; the rows it added (none for a repeat). */
  handle(event: DeskEvent): Promise<OutboxMessage[]>;
  dispatchDue(now?: Date): Promise<DispatchSummary>;
  /** Runs the scheduler's due jobs (update cadence, post-mortem reminders). */
  tick(now?: Date): Promise<string[]>;
  readonly scheduler: Scheduler;
  start(): void;
  stop(): Promise<void>;
}

interface ServiceComms {
  comms: CommsSpec;
  title: string;
  templates: Map<string, CompiledTemplate>;
}

/** Every environment variable the playbooks' channels name, for a start-up warning (names only). */
export function channelEnvNames(playbooks: readonly Playbook[]): string[] {
  const names = new Set<string>();
  for (const p of playbooks) {
    for (const a of p.comms.audiences) {
      for (const c of a.channels) {
        if (c.type === 'slack') names.add(c.webhook_env);
        if (c.type === 'pagerduty') names.add(c.routing_key_env);
        if (c.type === 'webhook') [c.url_env, c.secret_env].forEach((n) => n !== undefined && names.add(n));
        if (c.type === 'email') names.add(c.smtp_env);
      }
    }
  }
  return [...names].sort();
}

interface Occurrence {
  incident: Incident;
  events: NotifyEvent[];
  key: string;
  change: string;
  mitigation?: Mitigation;
}

/** Whether a desk event can cause a notification (so the dispatcher is worth waking). */
function notifies(event: DeskEvent): boolean {
  if (event.type === 'incident.opened') return true;
  if (event.type === 'incident.changed')
    return event.entry.kind === 'status' || event.entry.kind === 'severity';
  return event.mitigation.incidentId !== null;
}

/**
 * What a desk event means to the audiences. A mitigation is announced when it is linked to an incident (the
 * incident decides who hears of it); the incident is read inside the change's transaction, so it is the one the
 * mitigation was just recorded on.
 */
async function occurrenceOf(tx: StoreRepos, event: DeskEvent): Promise<Occurrence | undefined> {
  if (event.type === 'incident.opened') {
    const i = event.incident;
    return { incident: i, events: ['opened'], key: 'opened', change: `${i.severity} opened: ${i.title}` };
  }
  if (event.type === 'mitigation.expired') {
    const m = event.mitigation;
    if (m.incidentId === null) return undefined;
    const incident = await tx.incidents.get(m.incidentId);
    if (!incident) return undefined;
    // Most specific first: an audience that routes `mitigation_lifted` hears of an expiry too (it is how a
    // mitigation most often ends); one that wants only expiries routes `mitigation_expired`. Keyed by the
    // expiry, so an extended mitigation's later expiry is a new occurrence.
    return {
      incident,
      events: ['mitigation_expired', 'mitigation_lifted'],
      key: `mit-expired-${m.id}-${m.expiresAt ?? ''}`,
      change: describeMitigationChange('mitigation_expired', summarizeMitigation(m)),
      mitigation: m,
    };
  }
  if (event.type === 'mitigation.applied' || event.type === 'mitigation.lifted') {
    const m = event.mitigation;
    if (m.incidentId === null) return undefined;
    const incident = await tx.incidents.get(m.incidentId);
    if (!incident) return undefined;
    const what: NotifyEvent =
      event.type === 'mitigation.applied' ? 'mitigation_applied' : 'mitigation_lifted';
    return {
      incident,
      events: [what],
      key: `${what === 'mitigation_applied' ? 'mit-applied' : 'mit-lifted'}-${m.id}`,
      change: describeMitigationChange(what, summarizeMitigation(m)),
      mitigation: m,
    };
  }
  const { entry, incident } = event;
  if (entry.kind === 'status') {
    const to = typeof entry.data.to === 'string' ? entry.data.to : incident.status;
    return { incident, events: statusEvents(to), key: `e${entry.id}`, change: entry.summary };
  }
  if (entry.kind === 'severity')
    return { incident, events: ['severity_changed'], key: `e${entry.id}`, change: entry.summary };
  return undefined;
}

/**
 * Notifications for the desk: routes desk events through the playbooks' comms into the durable outbox, sends
 * due messages through the channels, and runs the update cadence on the scheduler. Everything time-related
 * follows `clock`; `start()` adds real timers for production.
 */
export function createNotifier(options: NotifierOptions): Notifier {
  const { store, clock, logger, env } = options;
  const services = new Map<string, ServiceComms>();
  for (const p of options.playbooks) {
    const templates = new Map(p.comms.templates.map((t) => [t.name, compileTemplate(t, p.service.name)]));
    services.set(p.service.name, { comms: p.comms, title: p.service.title ?? p.service.name, templates });
  }
  const missing = channelEnvNames(options.playbooks).filter((n) => (env[n]?.trim() ?? '') === '');
  if (missing.length > 0)
    logger.warn(
      { missing },
      'notification channels lack their environment variables; their messages will fail',
    );

  const tenants = options.tenants ?? tenantDirectoryFromEnv(env);
  // Generous: a receiver that accepts slowly is better waited for than retried, since a retry after a timeout
  // is likely a second copy of a message that did arrive (Slack does not dedupe incoming webhooks).
  const timeoutMs = options.httpTimeoutMs ?? 30_000;
  const now = (): Date => clock.now();
  const channels = new Map<ChannelKind, Channel>([
    ['slack', slackChannel({ env, now, timeoutMs })],
    [
      'pagerduty',
      pagerDutyChannel({
        env,
        now,
        timeoutMs,
        ...(options.pagerDutyEventsUrl ? { eventsUrl: options.pagerDutyEventsUrl } : {}),
      }),
    ],
    ['webhook', webhookChannel({ env, now, timeoutMs })],
    ['email', emailChannel({ env, tenants, timeoutMs })],
  ]);
  for (const [kind, channel] of Object.entries(options.channels ?? {}))
    channels.set(kind as ChannelKind, channel);

  const dispatcher = createDispatcher({
    store,
    channels,
    logger,
    ...(options.owner ? { owner: options.owner } : {}),
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.random ? { random: options.random } : {}),
  });

  /** Routes one occurrence into the outbox inside the caller's transaction; returns the rows it added. */
  async function notifyIn(
    tx: StoreRepos,
    incident: Incident,
    events: NotifyEvent[],
    key: string,
    change: string,
    at: Date,
    mitigation?: Mitigation,
  ): Promise<OutboxMessage[]> {
    const svc = services.get(incident.service);
    if (!svc) return [];
    const planned = routeEvent({ comms: svc.comms, incident, events, eventKey: key, at });
    await settleNotifyStepOnEnqueue(tx, {
      incidentId: incident.id,
      severity: incident.severity,
      events,
      planned,
      at: at.toISOString(),
    });
    if (planned.length === 0) return [];
    const mitigations = planned.some((p) => p.template !== undefined)
      ? await tx.mitigations.list({ incidentId: incident.id })
      : [];
    const items: Enqueue[] = [];
    for (const p of planned) {
      try {
        const message = composeMessage({
          planned: p,
          events,
          incident,
          change,
          serviceTitle: svc.title,
          templates: svc.templates,
          mitigations,
          mitigation,
          tenants,
          publicUrl: typeof options.publicUrl === 'function' ? options.publicUrl() : options.publicUrl,
        });
        items.push({ planned: p, service: incident.service, incidentId: incident.id, message });
      } catch (error) {
        // Templates are compiled and checked at start-up, so this is a bug; it must not undo the incident
        // change this runs inside (a detector's incident would be lost with it).
        logger.error(
          { err: error, incident: incident.id, audience: p.audience, channel: p.channel },
          'a notification could not be composed; it is not sent',
        );
      }
    }
    return enqueueAll(tx, items, at);
  }

  const notify = (
    incident: Incident,
    events: NotifyEvent[],
    key: string,
    change: string,
    at: Date,
  ): Promise<OutboxMessage[]> => store.transaction((tx) => notifyIn(tx, incident, events, key, change, at));

  const scheduler = createScheduler({ clock, logger });
  scheduler.add({
    name: 'notify.update-cadence',
    everyMs: 60_000,
    run: (at) =>
      runCadence(
        {
          store,
          commsFor: (service) => services.get(service)?.comms,
          graceMs: options.updateGraceMs ?? DEFAULT_UPDATE_GRACE_MS,
          remind: async (incident, dueAt, lastUpdate, cadenceMs, when) => {
            const who = incident.commander ? `${incident.commander}: ` : '';
            const change = `${who}an update on ${incident.id} is due (every ${Math.round(cadenceMs / 60_000)} min; last update ${lastUpdate.toISOString()}). Post a note or change its status.`;
            await notify(incident, ['update_due'], `update-due-${dueAt.toISOString()}`, change, when);
          },
        },
        at,
      ),
  });
  scheduler.add({
    name: 'notify.postmortem-due',
    everyMs: 15 * 60_000,
    run: (at) =>
      runPostmortemReminders(
        {
          store,
          leadMs: options.postmortemLeadMs ?? DEFAULT_POSTMORTEM_LEAD_MS,
          remind: async (incident, key, change, when) => {
            await notify(incident, ['postmortem_due'], key, change, when);
          },
        },
        at,
      ),
  });

  let timer: NodeJS.Timeout | undefined;
  let dispatching: Promise<DispatchSummary> | undefined;
  let again = false;

  /** One dispatch at a time in this process; a kick during a run asks for one more run after it. */
  function kick(): void {
    if (dispatching) {
      again = true;
      return;
    }
    dispatching = dispatcher.dispatchDue(now());
    void dispatching
      .catch((error: unknown) => {
        logger.error({ err: error }, 'notification dispatch failed');
        return undefined;
      })
      .finally(() => {
        dispatching = undefined;
        if (again && timer) {
          again = false;
          kick();
        }
      });
  }

  async function enqueueWithin(tx: StoreRepos, event: DeskEvent): Promise<OutboxMessage[]> {
    const what = await occurrenceOf(tx, event);
    if (!what) return [];
    return notifyIn(tx, what.incident, what.events, what.key, what.change, now(), what.mitigation);
  }

  return {
    scheduler,
    enqueueWithin,
    handle: (event) => store.transaction((tx) => enqueueWithin(tx, event)),
    onDeskEvent(event) {
      // The messages are already in the outbox (enqueueWithin ran inside the change's transaction): only wake
      // this process's dispatcher, so the page does not wait for the next interval.
      if (timer && notifies(event)) kick();
    },
    dispatchDue: (at = now()) => dispatcher.dispatchDue(at),
    tick: (at) => scheduler.tick(at),
    start() {
      if (timer) return;
      timer = setInterval(kick, options.dispatchIntervalMs ?? 1000);
      timer.unref();
      scheduler.start(options.tickIntervalMs ?? 15_000);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await scheduler.stop();
      await dispatching;
      for (const channel of channels.values()) await channel.close?.();
    },
  };
}
