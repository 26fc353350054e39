import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Paths whose values never reach a log line. Secrets are also never put in log objects on purpose; this is
 * the net under that rule.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'credentials',
  '*.credentials',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'cookie',
  'csrfToken',
  '*.csrfToken',
  'connectionString',
  'databaseUrl',
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'portico' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.destination,
  );
}
