import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packJsonSchemaText, playbookJsonSchemaText } from './json-schema.js';

/** Regenerates schema/playbook.schema.json and schema/pack.schema.json: `node --import tsx src/playbook/write-json-schema.ts`. */
export const SCHEMA_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../schema/playbook.schema.json',
);

await mkdir(dirname(SCHEMA_FILE), { recursive: true });
await writeFile(SCHEMA_FILE, playbookJsonSchemaText());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
const PACK_SCHEMA_FILE = resolve(dirname(SCHEMA_FILE), 'pack.schema.json');
await writeFile(PACK_SCHEMA_FILE, packJsonSchemaText());
process.stdout.write(`wrote ${PACK_SCHEMA_FILE}\n`);
