import type { z } from 'zod';

interface LooseDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  valueType?: z.ZodType;
  catchall?: z.ZodType;
}

const defOf = (schema: z.ZodType): LooseDef => schema._zod.def;

/** Peels optional/default/pipe wrappers and picks the union member that fits the data. */
function unwrap(schema: z.ZodType, data: unknown): z.ZodType | undefined {
  for (let depth = 0; depth < 20; depth++) {
    const def = defOf(schema);
    if (def.innerType) schema = def.innerType;
    else if (def.type === 'pipe' && def.in) schema = def.in;
    else if (def.type === 'union' && def.options) {
      const picked = pickOption(def.options, def.discriminator, data);
      if (!picked) return undefined;
      schema = picked;
    } else return schema;
  }
  return undefined;
}

function pickOption(
  options: z.ZodType[],
  discriminator: string | undefined,
  data: unknown,
): z.ZodType | undefined {
  if (discriminator !== undefined && typeof data === 'object' && data !== null) {
    const wanted = (data as Record<string, unknown>)[discriminator];
    return options.find((option) => {
      const inner = unwrap(option, data);
      const literal = inner ? defOf(inner).shape?.[discriminator] : undefined;
      const values = literal ? (literal._zod.def as unknown as { values?: unknown[] }).values : undefined;
      return values?.includes(wanted) ?? false;
    });
  }
  const isList = Array.isArray(data);
  const isMapping = typeof data === 'object' && data !== null && !isList;
  const fits = (option: z.ZodType) => {
    const inner = unwrap(option, data);
    if (inner === undefined) return false;
    const type = defOf(inner).type;
    return isMapping ? type === 'object' : (type === 'array') === isList;
  };
  return options.find(fits) ?? options.find((option) => unwrap(option, data) !== undefined);
}

/**
 * The keys a strict object at `path` accepts, so "unknown key" errors can list them or suggest the near one.
 * Reads zod's internal definitions; an unexpected shape yields no keys rather than an error.
 */
export function knownKeys(root: z.ZodType, path: readonly PropertyKey[], data: unknown): string[] {
  let schema: z.ZodType | undefined = root;
  let value = data;
  for (const segment of path) {
    schema = schema ? unwrap(schema, value) : undefined;
    if (!schema) return [];
    const def = defOf(schema);
    if (
      def.type === 'object' &&
      def.shape &&
      typeof segment === 'string' &&
      Object.hasOwn(def.shape, segment)
    )
      schema = def.shape[segment];
    else if (def.type === 'object' && def.catchall && typeof segment === 'string') schema = def.catchall;
    else if (def.type === 'array' && def.element) schema = def.element;
    else if (def.type === 'record' && def.valueType) schema = def.valueType;
    else return [];
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<PropertyKey, unknown>)[segment]
        : undefined;
  }
  const target = schema ? unwrap(schema, value) : undefined;
  const shape = target ? defOf(target).shape : undefined;
  return shape ? Object.keys(shape) : [];
}
