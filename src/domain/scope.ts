/** What an incident touches. Tokens only ever appear as previews and keyed hashes, never in full. */
export interface IncidentScope {
  tenants: string[];
  events: string[];
  ips: string[];
  tokenPreviews: string[];
  /**
   * The tokens' keyed hashes: what counts tokens. Two tokens can share a preview ("19 tokens" for 20), never a
   * hash. Shown as a count; the previews are what people read.
   */
  tokens: string[];
}

export const SCOPE_FIELDS = ['tenants', 'events', 'ips', 'tokenPreviews', 'tokens'] as const;
export type ScopeField = (typeof SCOPE_FIELDS)[number];

/** Per-field cap so a flood of distinct IPs cannot grow an incident record without limit. */
export const SCOPE_FIELD_LIMIT = 500;

export function emptyScope(): IncidentScope {
  return { tenants: [], events: [], ips: [], tokenPreviews: [], tokens: [] };
}

/** A stored scope from before `tokens` existed reads with every field present. */
export function completeScope(scope: Partial<IncidentScope> | null | undefined): IncidentScope {
  const full = emptyScope();
  for (const field of SCOPE_FIELDS) {
    const values = scope?.[field];
    if (Array.isArray(values)) full[field] = values;
  }
  return full;
}

/** How many tokens a scope names: by keyed hash when known, else by preview (older incidents). */
export function tokenCount(scope: IncidentScope): number {
  return scope.tokens.length > 0 ? scope.tokens.length : scope.tokenPreviews.length;
}

/** Union of two scopes, keeping first-seen order and the per-field cap. Returns the added values. */
/** Values to add to a scope; any field may be missing. */
export type ScopeAddition = { [K in ScopeField]?: string[] | undefined };

export function mergeScope(
  current: IncidentScope,
  extra: ScopeAddition,
): { scope: IncidentScope; added: Partial<IncidentScope> } {
  const scope = emptyScope();
  const added: Partial<IncidentScope> = {};
  for (const field of SCOPE_FIELDS) {
    const values = [...current[field]];
    const seen = new Set(values);
    const fresh: string[] = [];
    for (const value of extra[field] ?? []) {
      if (seen.has(value) || values.length >= SCOPE_FIELD_LIMIT) continue;
      seen.add(value);
      values.push(value);
      fresh.push(value);
    }
    scope[field] = values;
    if (fresh.length > 0) added[field] = fresh;
  }
  return { scope, added };
}
