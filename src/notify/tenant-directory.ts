import { z } from 'zod';
import { RampartError } from '../shared/errors.js';
import type { Env } from './channels/channel.js';

/**
 * Who to e-mail for a tenant. Contacts are personal data and not the playbook's business, so they come from
 * the environment: RAMPART_TENANT_CONTACTS holds a JSON object from tenant id to an address, or to
 * `{ "email": …, "name": … }`. A tenant without an entry is not e-mailed; its message fails with a reason that
 * names the tenant, on the timeline, so a responder sees who still needs telling.
 */
export const TENANT_CONTACTS_ENV = 'RAMPART_TENANT_CONTACTS';

export interface TenantContact {
  email: string;
  name: string;
}

export interface TenantDirectory {
  get(tenantId: string): TenantContact | undefined;
}

const contactsSchema = z.record(
  z.string().min(1).max(200),
  z.union([z.email(), z.strictObject({ email: z.email(), name: z.string().min(1).max(200).optional() })]),
);

export function tenantDirectoryFromEnv(env: Env): TenantDirectory {
  const text = env[TENANT_CONTACTS_ENV]?.trim();
  if (text === undefined || text === '') return { get: () => undefined };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RampartError('RAMPART_CONFIG', `${TENANT_CONTACTS_ENV} is not valid JSON`, [
      { path: TENANT_CONTACTS_ENV, message: 'expected {"tenant-id": "ops@tenant.example", …}' },
    ]);
  }
  const parsed = contactsSchema.safeParse(json);
  if (!parsed.success) {
    throw new RampartError(
      'RAMPART_CONFIG',
      `${TENANT_CONTACTS_ENV} must map tenant ids to e-mail addresses`,
      [{ path: TENANT_CONTACTS_ENV, message: parsed.error.issues[0]?.message ?? 'invalid' }],
    );
  }
  const contacts = new Map<string, TenantContact>();
  for (const [id, value] of Object.entries(parsed.data)) {
    contacts.set(
      id,
      typeof value === 'string' ? { email: value, name: id } : { email: value.email, name: value.name ?? id },
    );
  }
  return { get: (id) => contacts.get(id) };
}
