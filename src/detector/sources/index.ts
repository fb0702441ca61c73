/**
 * Log sources for the detector: parsers that turn one log line into a RequestEvent, a tailer that follows a
 * file through rotation, and a fast whole-file reader for replay.
 */
export { getParser, isLogFormat, LOG_FORMATS, EVENT_FIELD_NAMES } from './parsers/index.js';
export type { LineParser, LogFormat, ParseContext, ParseResult, ParserOptions } from './parsers/index.js';
export { tailFile } from './file-tailer.js';
export type { Tail, TailOptions, TailStats } from './file-tailer.js';
export { readLines } from './read-lines.js';
export type { ReadLinesOptions, ReadLinesResult } from './read-lines.js';
export type { SkipReason } from './line-splitter.js';
export { cleanIp, ipPrefix } from './ip-prefix.js';
