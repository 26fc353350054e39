import type { Context, Next } from 'koa';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { DnsProviderError, KernelError } from '@portico/kernel';
import { SecretBoxError } from '../modules/credentials/crypto.ts';
import { AppError } from './app-error.ts';
import { statusOf } from './registry.ts';

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

/** Mounted first: every failure leaves as `{ error: { code, message, details? } }` with the registry's status. */
export function errorMiddleware() {
  return async function errors(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      // The router answers these with an empty body (405 with an Allow header); give them the error shape.
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 404) throw new AppError('ROUTE_NOT_FOUND', `No route for ${ctx.method} ${ctx.path}`);
        if (ctx.status === 405) throw new AppError('METHOD_NOT_ALLOWED', `${ctx.method} is not allowed on ${ctx.path}`, { allow: ctx.response.get('allow') });
        if (ctx.status === 501) throw new AppError('METHOD_NOT_IMPLEMENTED', `${ctx.method} is not implemented`);
      }
    } catch (error) {
      const mapped = toAppError(error);
      ctx.status = statusOf(mapped.code);
      for (const [name, value] of Object.entries(mapped.headers ?? {})) ctx.set(name, value);
      const body: ErrorBody = { error: { code: mapped.code, message: mapped.message } };
      if (mapped.details !== undefined) body.error.details = mapped.details;
      ctx.body = body;
      if (ctx.status >= 500) ctx.state.log?.error({ err: error }, 'request failed');
    }
  };
}

/** The status a failure is answered with (what the error middleware will send), for the access log. */
export function errorStatus(error: unknown): { status: number; code: string } {
  const { code } = toAppError(error);
  return { status: statusOf(code), code };
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof KernelError) return new AppError(error.code as never, error.message, error.details);
  if (error instanceof DnsProviderError) {
    return new AppError('DNS_PROVIDER_FAILED', `The DNS provider failed (${error.kind}): ${error.message}`, { kind: error.kind, retryAfterSeconds: error.retryAfterSeconds });
  }
  if (error instanceof SecretBoxError) return new AppError(error.code, error.message);
  if (error instanceof UniqueConstraintViolationException) return new AppError('CONFLICT', 'A resource with these values already exists.');
  // Errors raised by Koa and @koa/router carry an HTTP status (bodies are read by http/body.ts, which throws AppErrors).
  const http = error as { status?: number; expose?: boolean; message?: string };
  if (http.status === 413) return new AppError('BODY_TOO_LARGE', 'The request body is too large.');
  if (http.status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
  if (http.status === 400 && http.expose) return new AppError('VALIDATION_FAILED', http.message ?? 'Bad request');
  return new AppError('INTERNAL', 'Internal error');
}
