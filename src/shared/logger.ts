import { pino, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths pino blanks before a line is written: credentials in headers and any field that could hold a token,
 * key or password. Tokens should already be hashed by the time they reach a log call; this is the safety net.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers.cookie',
  '*.token',
  '*.secret',
  '*.password',
  '*.apiKey',
  '*.routingKey',
  '*.webhookUrl',
  'token',
  'secret',
  'password',
];

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const config: LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'rampart' },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

export type { Logger };
