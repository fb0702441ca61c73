/**
 * Log sources for the detector: parsers that turn one log line into a RequestEvent, a tailer that follows a
 * file through rotation, a fast whole-file reader for replay, and gateway request events over a Redis Stream
 * (publisher in each `rampart gateway`, consumer-group reader in the process that runs the detector).
 */
export { getParser, isLogFormat, LOG_FORMATS, EVENT_FIELD_NAMES } from './parsers/index.js';
export type { LineParser, LogFormat, ParseContext, ParseResult, ParserOptions } from './parsers/index.js';
export { tailFile } from './file-tailer.js';
export type { Tail, TailOptions, TailStats } from './file-tailer.js';
export { readLines } from './read-lines.js';
export type { ReadLinesOptions, ReadLinesResult } from './read-lines.js';
export type { SkipReason } from './line-splitter.js';
export { cleanIp, ipPrefix } from './ip-prefix.js';
export { createEventPublisher } from './event-publisher.js';
export type { EventPublisher, EventPublisherOptions, EventPublisherStats } from './event-publisher.js';
export { consumeEvents } from './event-consumer.js';
export type { ConsumeEventsOptions, ConsumerStats, EventConsumer } from './event-consumer.js';
export { decodeEvent, encodeEvent } from './event-codec.js';
export type { DecodeResult } from './event-codec.js';
export { eventStreamKey, type EventStreamLogger } from './redis-events.js';
