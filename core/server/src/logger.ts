import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';

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
  // Request bodies carry passwords and provider tokens: never logged, whoever attaches one to an object.
  'body',
  '*.body',
  'rawBody',
  '*.rawBody',
];

/**
 * The fields of an error that reach a log line: what says what went wrong and where, never the data it carried.
 * Libraries hang request data on errors (a body parser's `body`, a driver's `parameters`); an allow-list keeps
 * such fields out even when a new library adds one.
 */
const ERROR_FIELDS = [
  ...['type', 'message', 'stack', 'code', 'kind', 'status', 'statusCode', 'details'],
  // Where a network or database call failed: names, never values.
  ...['errno', 'syscall', 'address', 'port', 'hostname', 'sqlState', 'table', 'column', 'constraint', 'routine'],
  // DnsProviderError.
  ...['providerCode', 'retryAfterSeconds'],
];

/** The `err` (and `error`) serializer: `ERROR_FIELDS` only, causes kept the same way (at most 5 deep). */
export function serializeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return error;
  const full = stdSerializers.err(error) as unknown as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const field of ERROR_FIELDS) if (full[field] !== undefined) kept[field] = full[field];
  // The cause is its own field below, so message and stack are the error's own.
  kept.message = error.message;
  if (error.stack !== undefined) kept.stack = error.stack;
  if (error.cause !== undefined && depth < 5) kept.cause = serializeError(error.cause, depth + 1);
  if (error instanceof AggregateError && depth < 5) kept.errors = error.errors.map((inner) => serializeError(inner, depth + 1));
  return kept;
}

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'portico' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
    },
    options.destination,
  );
}
