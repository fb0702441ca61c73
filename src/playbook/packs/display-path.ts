import { isAbsolute, relative } from 'node:path';

/** A file as messages show it: relative to the working directory when it lies below it, else as given. */
export function displayPath(file: string): string {
  const near = relative(process.cwd(), file);
  return near === '' || near.startsWith('..') || isAbsolute(near) ? file : near;
}
