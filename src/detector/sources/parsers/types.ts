import type { QueryTokenParams } from './normalize.js';
import type { RequestEvent } from '../../../domain/request-event.js';

export type ParseResult = { ok: true; event: RequestEvent } | { ok: false; reason: string };

export interface ParseContext {
  /** The protected service the log belongs to. */
  service: string;
  /** Where the line came from, e.g. "file:/var/log/nginx/access.log". */
  source: string;
  /** Fallback time (epoch ms) for lines that carry none, e.g. uvicorn's default access format. */
  now?: number;
  /** Key for hashToken: a full token is only ever kept as its keyed hash and a preview. */
  tokenKey: string;
  /**
   * Query parameters that hold tokens: the playbook's `in: query` token kinds (service.tokens), the same the
   * gateway reads. Default: token, access_token, join_token (a service that declares no token locations).
   */
  queryTokens?: QueryTokenParams;
  /** jsonl: event field name → dotted JSON path. */
  fields?: Record<string, string>;
  /** regex: a custom pattern with named groups. */
  pattern?: string;
}

export interface LineParser {
  readonly format: string;
  /** Never throws: a line that cannot be read is { ok: false, reason }. */
  parse(line: string, ctx: ParseContext): ParseResult;
}

/** Start-up options for getParser; each format reads the ones it knows. */
export interface ParserOptions {
  /** jsonl: event field name → dotted JSON path. */
  fields?: Record<string, string>;
  /** regex: custom pattern with named groups. */
  pattern?: string;
  /** Lines longer than this (in UTF-16 code units) are refused unread. Default 64 KiB. */
  maxLineLength?: number;
  /** IANA zone of the times the log writes without an offset; default the host's zone. */
  timezone?: string;
  /**
   * nginx access log: statuses nginx answers itself when it refuses a request (limit_req_status,
   * limit_conn_status). Such a line with no upstream time reads as rate-limited by the proxy, not an app error.
   */
  refusalStatuses?: readonly number[];
}
