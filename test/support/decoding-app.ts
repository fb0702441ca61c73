/**
 * The path a typical app routes on (Laravel's Request::path(), Starlette's scope["path"], most frameworks): the
 * request target's path percent-decoded in full, repeated slashes merged, dot segments resolved, the trailing
 * slash dropped. A gateway that judged anything else could be walked around. null: the app cannot decode it.
 */
export function appPath(url: string): string | null {
  const q = url.indexOf('?');
  let decoded: string;
  try {
    decoded = decodeURIComponent(q === -1 ? url : url.slice(0, q));
  } catch {
    return null;
  }
  const out: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}
