/**
 * What the audit log records, declared once. Every entity is audited unless listed in NOT_AUDITED, so a new
 * tenant entity is covered without anyone remembering to opt in; an entity that is itself a log, a job's
 * bookkeeping or a cache opts out here.
 */

/** Entities whose changes are not recorded (by entity name). */
export const NOT_AUDITED: ReadonlySet<string> = new Set([
  // The log itself: recording it would recurse.
  'AuditLog',
  // Logs and outboxes that are records already.
  'DomainEvent',
  'OrganizationSettingsChange',
  'PublishedEvent',
  'WebhookDelivery',
  'WebhookAttempt',
  // Bookkeeping of jobs, throttles, edges and ACME orders: internal state, written by the system many times a minute.
  'LoginThrottle',
  'EdgeStatus',
  'OnDemandApproval',
  'AcmeChallenge',
  'AcmeDnsChallenge',
  'CertificateOrder',
  'OidcLoginAttempt',
  'UsageDaily',
  // Notifications and digests: written per user for every event; a user's preferences are audited.
  'Notification',
  'NotificationDigest',
]);

/**
 * Fields whose value is never written to the log, per entity: secrets, their hashes, sealed data. The field
 * still shows as changed, with the value "[redacted]". Any field the entity marks `hidden`, and any field whose
 * name says hash, secret, sealed, password, token or private key, is redacted too (a safety net for fields
 * added later).
 */
export const SECRET_FIELDS: Readonly<Record<string, readonly string[]>> = {
  User: ['passwordHash'],
  Session: ['tokenHash', 'csrfToken'],
  ApiKey: ['secretHash'],
  WidgetToken: ['tokenHash'],
  DnsCredential: ['sealed'],
  Certificate: ['privateKeySealed'],
  WebhookEndpoint: ['secretSealed', 'previousSecretSealed'],
  UserTotp: ['secretSealed'],
  OrganizationOidcProvider: ['sealedClientSecret'],
  RecoveryCode: ['codeHash'],
  Invitation: ['tokenHash'],
  PasswordReset: ['tokenHash'],
};
const SECRET_NAME = /hash|secret|sealed|password|token$|privatekey|csrf/i;

/**
 * Fields left out of the log: bookkeeping that changes on its own (last use, check times, counters of the
 * checking machinery) or bulk public data. An update that touches only these writes no audit row.
 */
export const IGNORED_FIELDS: ReadonlySet<string> = new Set([
  'updatedAt',
  'lastUsedAt',
  'lastSeenAt',
  'lastSignInAt',
  'lastCheckedAt',
  'nextCheckAt',
  'consecutiveMisses',
  'checkErrorCount',
  'lastManualCheckAt',
  'nextAttemptAt',
  'orderingUntil',
  'attempts',
  'certificatePem',
  'consecutiveFailures',
  'failingSince',
  'lastUsedStep',
]);

/** Action and target names use these nouns instead of the snake-cased entity name. */
const TARGET_KINDS: Readonly<Record<string, string>> = {
  ServiceDomainMapping: 'mapping',
  DnsCredential: 'dns_credential',
  OrganizationSettings: 'organization_settings',
  ProjectWidgetSettings: 'widget_settings',
};

export const REDACTED = '[redacted]';

export const isAudited = (entityName: string): boolean => !NOT_AUDITED.has(entityName);

export const isSecretField = (entityName: string, field: string, hidden: boolean): boolean =>
  hidden || SECRET_NAME.test(field) || (SECRET_FIELDS[entityName]?.includes(field) ?? false);

export const targetKindOf = (entityName: string): string =>
  TARGET_KINDS[entityName] ?? entityName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
