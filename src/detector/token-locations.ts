import type { Playbook } from '../playbook/index.js';
import { DEFAULT_QUERY_TOKEN_PARAMS, queryTokenParams } from './sources/parsers/normalize.js';
import type { QueryTokenParams } from './sources/parsers/normalize.js';

/**
 * The query parameters a service's log lines carry tokens in, read from service.tokens (the list the gateway
 * reads too): its `in: query` kinds. A service that declares no token location at all keeps the usual names
 * (token, access_token, join_token), so a logs-only playbook still groups by a leaked link's token.
 */
export function queryTokensOf(playbook: Playbook): QueryTokenParams {
  const tokens = playbook.service.tokens;
  if (tokens.length === 0) return DEFAULT_QUERY_TOKEN_PARAMS;
  return queryTokenParams(tokens.flatMap((t) => (t.in === 'query' ? [t.param] : [])));
}
