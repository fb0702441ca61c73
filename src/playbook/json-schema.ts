import { z } from 'zod';
import { packSchema } from './packs/pack-schema.js';
import { playbookSchema } from './schema.js';

/**
 * The playbook format as JSON Schema (draft 2020-12), describing what may be written in YAML (durations as
 * strings, defaults optional). Editors use it through `# yaml-language-server: $schema=…`. Cross-references
 * and value checks beyond patterns (CIDR ranges, regex compilation) are only in `rampart playbook validate`.
 */
export function playbookJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(playbookSchema, { io: 'input', target: 'draft-2020-12' });
}

/** The exact text of schema/playbook.schema.json. */
export function playbookJsonSchemaText(): string {
  return `${JSON.stringify(playbookJsonSchema(), null, 2)}\n`;
}

/** A rule pack's rules file (playbooks/packs/<name>/pack.yaml) as JSON Schema: schema/pack.schema.json. */
export function packJsonSchemaText(): string {
  return `${JSON.stringify(z.toJSONSchema(packSchema, { io: 'input', target: 'draft-2020-12' }), null, 2)}\n`;
}
