import coBody from 'co-body';
import type { Context, Next } from 'koa';
import { scan } from 'secure-json-parse';
import { AppError } from '../errors/app-error.ts';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Reads an `application/json` body of POST, PUT and PATCH requests into `ctx.request.body`; other bodies are left
 * unread (routes that take a body answer 415 for them). Every failure is an `AppError` whose message never repeats
 * the body, so no part of it reaches a client or a log line:
 * - not JSON → `BODY_INVALID`;
 * - an object with a `__proto__` key, or a `constructor` key holding a `prototype`, anywhere → `BODY_FORBIDDEN_KEY`
 *   (such keys poison objects they are merged into; no API field is named so);
 * - larger than `limit` → `BODY_TOO_LARGE`; an unknown content encoding or charset → `UNSUPPORTED_MEDIA_TYPE`.
 */
export function jsonBody({ limit }: { limit: string }) {
  return async function body(ctx: Context, next: Next): Promise<void> {
    if (WITH_BODY.has(ctx.method) && ctx.is('application/json')) {
      (ctx.request as { body?: unknown }).body = parseJson(await readText(ctx, limit));
    }
    await next();
  };
}

async function readText(ctx: Context, limit: string): Promise<string> {
  try {
    return await coBody.text(ctx, { limit, encoding: 'utf-8' });
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === 413) throw new AppError('BODY_TOO_LARGE', `The request body is larger than ${limit}.`);
    if (status === 415) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'The body has a content encoding or charset Portico does not read; send plain UTF-8 JSON.');
    throw new AppError('BODY_INVALID', 'The request body could not be read.');
  }
}

function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('BODY_INVALID', 'The request body is not valid JSON.');
  }
  if (value !== null && typeof value === 'object' && scan(value, { protoAction: 'error', constructorAction: 'error', safe: true }) === null) {
    throw new AppError('BODY_FORBIDDEN_KEY', 'The request body has a "__proto__" key or a "constructor" key with a "prototype": no field is named so.');
  }
  return value;
}
