import type { Command } from 'commander';
import { parseBoundedInteger } from '../shared/input-bounds.js';
import { RampartError } from '../shared/errors.js';
import { findUnstorableText } from '../shared/storable-text.js';

/** A whole-number option or argument inside [min, max]; a RampartError naming it and the limit otherwise. */
export function integerOption(text: string, name: string, min: number, max: number): number {
  const parsed = parseBoundedInteger(text, name, min, max);
  if ('error' in parsed)
    throw new RampartError('RAMPART_VALIDATION', parsed.error, [{ path: name, message: parsed.error }]);
  return parsed.value;
}

export const portOption = (text: string, name: string): number => integerOption(text, name, 0, 65_535);

/**
 * Before any command runs: every argument and option is text a store can keep (no NUL or other control
 * character), the same rule the API applies to every body, query and path parameter.
 */
export function refuseUnstorableArguments(command: Command): void {
  command.hook('preAction', (_root, action) => {
    const args = action.args.map((a, i) => [`argument ${i + 1}`, a] as const);
    const opts = Object.entries(action.optsWithGlobals()).map(([k, v]) => [`--${kebab(k)}`, v] as const);
    for (const [name, value] of [...args, ...opts]) {
      const found = findUnstorableText(value, name);
      if (found)
        action.error(`error: ${found.path}: ${found.message}`, { exitCode: 1, code: 'rampart.validation' });
    }
  });
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
