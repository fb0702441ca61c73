import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packJsonSchemaText, playbookJsonSchema, playbookJsonSchemaText } from './json-schema.js';

describe('schema/playbook.schema.json', () => {
  it('is the freshly generated schema (regenerate: node --import tsx src/playbook/write-json-schema.ts)', async () => {
    const committed = await readFile(
      resolve(import.meta.dirname, '../../schema/playbook.schema.json'),
      'utf8',
    );
    expect(committed).toBe(playbookJsonSchemaText());
  });

  it('schema/pack.schema.json is freshly generated too (npm run schema)', async () => {
    const committed = await readFile(resolve(import.meta.dirname, '../../schema/pack.schema.json'), 'utf8');
    expect(committed).toBe(packJsonSchemaText());
  });

  it('describes what is written in YAML: durations as strings, every top-level section', () => {
    const schema = playbookJsonSchema() as {
      properties: Record<string, unknown>;
      required: string[];
      $defs: Record<string, { type?: string; pattern?: string }>;
    };
    expect(Object.keys(schema.properties)).toEqual([
      'rampart',
      'service',
      'gateway',
      'include',
      'severity',
      'detection',
      'incident_types',
      'checklist',
      'comms',
      'monitors',
      'verification',
      'postmortem',
      'routines',
      'review',
      'never_block',
    ]);
    expect(schema.required).toEqual(['rampart', 'service', 'severity', 'checklist']);
    const duration = schema.$defs.PlaybookDuration;
    expect(duration?.type).toBe('string');
    expect(new RegExp(duration?.pattern ?? '^$').test('1h30m')).toBe(true);
    expect(new RegExp(duration?.pattern ?? '^$').test('10 minutes')).toBe(false);
  });
});
