import { createTransport, type Transporter } from 'nodemailer';
import type { ChannelTarget, NotifyMessage } from '../message.js';
import type { TenantDirectory } from '../tenant-directory.js';
import { readEnv, redactSecrets, type Channel, type DeliveryResult, type Env } from './channel.js';

export const DEFAULT_MAIL_FROM = 'Rampart <rampart@localhost>';

/** SMTP reply codes: 4xx is "try again later", 5xx is final; a connection problem is worth retrying. */
function classify(error: unknown, secrets: string[]): DeliveryResult {
  const e = error as { code?: unknown; responseCode?: unknown; response?: unknown; message?: unknown };
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const code = typeof e.code === 'string' ? e.code : 'ERROR';
  const said = typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : '';
  const reason = redactSecrets(`SMTP ${responseCode ?? code}${said ? `: ${said}` : ''}`, secrets);
  if (responseCode !== undefined) {
    return responseCode >= 400 && responseCode < 500
      ? { outcome: 'retry', reason }
      : { outcome: 'failed', reason };
  }
  if (code === 'EAUTH' || code === 'EENVELOPE' || code === 'EMESSAGE') return { outcome: 'failed', reason };
  return { outcome: 'retry', reason };
}

/**
 * E-mail over SMTP with nodemailer. `smtp_env` names a variable holding an smtp:// or smtps:// URL (with the
 * password in it); one transport per URL is kept and closed on `close()`.
 */
export function emailChannel(deps: { env: Env; tenants: TenantDirectory; timeoutMs: number }): Channel {
  const transports = new Map<string, Transporter>();
  const transportFor = (url: string): Transporter => {
    let transport = transports.get(url);
    if (!transport) {
      transport = createTransport({
        url,
        connectionTimeout: deps.timeoutMs,
        greetingTimeout: deps.timeoutMs,
        socketTimeout: deps.timeoutMs,
      } as Parameters<typeof createTransport>[0]);
      transports.set(url, transport);
    }
    return transport;
  };
  return {
    kind: 'email',
    async send(message: NotifyMessage, target: ChannelTarget): Promise<DeliveryResult> {
      if (target.type !== 'email')
        return { outcome: 'failed', reason: `not an e-mail target: ${target.type}` };
      const smtp = readEnv(deps.env, target.smtp_env);
      if ('missing' in smtp) return smtp.missing;
      if (!/^smtps?:\/\//.test(smtp.value)) {
        return { outcome: 'failed', reason: `${target.smtp_env} must hold an smtp:// or smtps:// URL` };
      }
      let to: string[];
      if (target.to === 'tenants') {
        const contact = target.tenant === undefined ? undefined : deps.tenants.get(target.tenant);
        if (!contact)
          return { outcome: 'failed', reason: `no contact address for tenant ${target.tenant ?? '(none)'}` };
        to = [contact.email];
      } else {
        to = target.to;
      }
      try {
        await transportFor(smtp.value).sendMail({
          from: target.from ?? DEFAULT_MAIL_FROM,
          to,
          subject: message.subject ?? message.headline,
          text: message.body ?? message.text,
          headers: {
            'X-Rampart-Delivery': message.deliveryId,
            'X-Rampart-Incident': message.incident.id,
            ...(message.mitigation === undefined ? {} : { 'X-Rampart-Mitigation': message.mitigation.id }),
          },
        });
        return { outcome: 'delivered' };
      } catch (error) {
        return classify(error, [smtp.value]);
      }
    },
    close() {
      for (const transport of transports.values()) transport.close();
      transports.clear();
      return Promise.resolve();
    },
  };
}
