import pino, { type Logger } from 'pino';

export type { Logger };

/** A JSON logger for one service; `LOG_LEVEL` sets the level. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', 'secret'], censor: '[redacted]' },
  });
}
