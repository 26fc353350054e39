import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): a secret is `whsec_` + base64 of random bytes; the
 * signature of a message is `v1,` + base64 HMAC-SHA256, keyed with the decoded secret, of
 * `<webhook-id>.<webhook-timestamp>.<body>`. Several signatures (old and new secret during a rotation) go into one
 * `webhook-signature` header, space-separated; a receiver accepts the message when any of them verifies.
 */

const PREFIX = 'whsec_';
const SECRET_BYTES = 32;

/** A fresh secret: `whsec_` and 32 random bytes in base64. */
export function generateSecret(): string {
  return `${PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** `v1,<base64 signature>` of one message under one secret. */
export function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The three Standard Webhooks headers for a message signed with every secret given (current first). */
export function signatureHeaders(secrets: string[], id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => sign(secret, id, timestamp, body)).join(' '),
  };
}
