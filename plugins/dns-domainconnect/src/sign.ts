/**
 * Signed apply URLs of the Domain Connect synchronous flow, and the public key records a DNS provider checks
 * the signature with. The signature is RS256 (RSA PKCS#1 v1.5 over SHA-256) over the query string exactly as
 * sent, without `sig` and `key`, which come last.
 */
import { constants, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import type { ExpectedRecord } from '@portico/kernel';

/** Base64 characters of the public key per TXT record: with `p=<n>,a=RS256,d=` one string stays under 255 bytes. */
const KEY_CHUNK = 200;

/** The standard-base64 RS256 signature of `query` (not URL-encoded). Throws for a key that is not RSA. */
export function signQuery(query: string, privateKeyPem: string): string {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'rsa') {
    throw new TypeError(`Domain Connect signs with RS256: the private key must be an RSA key, not ${key.asymmetricKeyType}`);
  }
  return sign('sha256', Buffer.from(query, 'utf8'), { key, padding: constants.RSA_PKCS1_PADDING }).toString('base64');
}

export interface ApplyUrlInput {
  /** `urlSyncUX` from the DNS provider's settings. */
  urlSyncUX: string;
  providerId: string;
  serviceId: string;
  /** The zone (`example.com`). */
  domain: string;
  /** The host within the zone (`shop`); empty for the apex, and then left out of the URL. */
  host: string;
  /** The template's variables; sent in name order. */
  variables: Record<string, string>;
  /** Apply only these record groups. */
  groupIds?: readonly string[];
  redirectUri?: string;
  state?: string;
  /** Sign the URL: the PEM private key, and the label its public key is published under (`_dcpubkeyv1`). */
  signing?: { privateKeyPem: string; keyHost: string };
}

const pair = (name: string, value: string) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;

/**
 * `{urlSyncUX}/v2/domainTemplates/providers/{providerId}/services/{serviceId}/apply?domain=…&host=…&<vars>
 * [&groupId=…][&redirect_uri=…][&state=…][&sig=…&key=…]`.
 */
export function buildApplyUrl(input: ApplyUrlInput): string {
  const base = `${input.urlSyncUX.replace(/\/+$/, '')}/v2/domainTemplates/providers/${encodeURIComponent(input.providerId)}/services/${encodeURIComponent(input.serviceId)}/apply`;
  const params = [pair('domain', input.domain)];
  if (input.host !== '') params.push(pair('host', input.host));
  for (const name of Object.keys(input.variables).sort()) params.push(pair(name, input.variables[name]));
  if (input.groupIds && input.groupIds.length > 0) params.push(pair('groupId', input.groupIds.join(',')));
  if (input.redirectUri !== undefined) params.push(pair('redirect_uri', input.redirectUri));
  if (input.state !== undefined) params.push(pair('state', input.state));
  const query = params.join('&');
  if (!input.signing) return `${base}?${query}`;
  const sig = signQuery(query, input.signing.privateKeyPem);
  return `${base}?${query}&${pair('sig', sig)}&${pair('key', input.signing.keyHost)}`;
}

/**
 * The TXT records to publish at `<keyHost>.<syncPubKeyDomain>` so DNS providers can check the signatures:
 * the DER (SubjectPublicKeyInfo) public key in base64, in pieces of 200 characters, `p=<n>,a=RS256,d=<piece>`,
 * `n` from 1. Takes the public key, or the private key it belongs to, as PEM.
 */
export function publicKeyRecords(publicKeyPem: string, keyHost: string, syncPubKeyDomain: string): ExpectedRecord[] {
  const key = createPublicKey(publicKeyPem);
  if (key.asymmetricKeyType !== 'rsa') throw new TypeError('Domain Connect checks RS256 signatures: the key must be an RSA key');
  const data = key.export({ type: 'spki', format: 'der' }).toString('base64');
  const name = `${keyHost}.${syncPubKeyDomain}`.toLowerCase().replace(/\.$/, '');
  const records: ExpectedRecord[] = [];
  for (let at = 0; at < data.length; at += KEY_CHUNK) {
    records.push({ name, type: 'TXT', value: `p=${records.length + 1},a=RS256,d=${data.slice(at, at + KEY_CHUNK)}` });
  }
  return records;
}
