import { z } from 'zod';
import { idSchema, labelSchema } from './primitives.js';

/**
 * `include:` — rule packs whose rules join the playbook's own (see ../packs/). One line includes a whole pack:
 * `include: [http]` reads the pack Rampart ships (playbooks/packs/http), `include: [./packs/mine]` a folder or
 * YAML file relative to the playbook. The long form leaves rules out or picks the severity they open with.
 */
const packNameSchema = z
  .string()
  .min(1, { message: 'a pack name (http) or a path relative to the playbook (./packs/http)' })
  .regex(/^[A-Za-z0-9_./-]+$/, { message: 'a pack name or relative path of letters, digits, "_", ".", "/" and "-"' });

export const includeItemSchema = z
  .union([
    packNameSchema.transform((pack) => ({ pack, except: [] as string[] })),
    z.strictObject({
      pack: packNameSchema,
      /** Rules of the pack to leave out, by name. */
      except: z.array(idSchema).default([]),
      /** The severity the pack's rules open incidents with; default the playbook's least severe level. */
      severity: labelSchema.optional(),
    }),
  ])
  .meta({
    id: 'PlaybookInclude',
    description:
      'A rule pack: its name (a pack Rampart ships, e.g. http) or a folder/YAML file relative to the playbook; or { pack, except: [rule names], severity }.',
  });

type IncludeWritten = z.output<typeof includeItemSchema>;

/** What the loader found for one include: which rules joined and which were left out, and why. */
export interface IncludedPack {
  name: string;
  title: string | undefined;
  /** The pack's rules file. */
  file: string;
  rules: string[];
  skipped: { rule: string; reason: string }[];
}

/** An include as parsed; the loader adds `resolved` once it has read the pack. */
export type IncludeSpec = { pack: string; except: string[]; severity?: string | undefined; resolved?: IncludedPack };

export const includeSchema = z
  .array(includeItemSchema.transform((item: IncludeWritten): IncludeSpec => item))
  .default([]);
