import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import type { JobQueue } from '../../jobs/boss.ts';
import type { SecretBox } from '../credentials/crypto.ts';
import { renderMail, type MailTemplateName, type MailTemplates } from './templates.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** What the message is, for the log line (the log never holds the address, the subject or the content). */
  template?: string;
}

/** Payload of a `mail.send` job: the template name in clear, the address and the data sealed (they may hold a one-time link). */
export interface MailJob {
  template: MailTemplateName;
  sealed: string;
}

// The job's sealed part is bound to this label, so a value sealed for anything else does not open as a mail.
const JOB_AAD = 'mail.send';

/** A short hash of an address: log lines can be correlated per recipient without naming anyone. */
export const addressHash = (address: string): string => createHash('sha256').update(address.trim().toLowerCase()).digest('hex').slice(0, 16);

/** PORTICO_SECRET_<NAME>, the same variables plugins read their secrets from. */
const secretVariable = (name: string): string => `PORTICO_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

export function createMailer({ config, logger, jobs, secretBox }: { config: Pick<PorticoConfig, 'mail'>; logger: Logger; jobs: JobQueue; secretBox: SecretBox }) {
  const log = logger.child({ component: 'mail' });
  const smtp = config.mail.smtp;
  let transport: Transporter | undefined;

  function transporter(): Transporter {
    if (transport) return transport;
    if (!smtp) throw new Error('no SMTP server is configured');
    const password = smtp.passwordSecret ? process.env[secretVariable(smtp.passwordSecret)] : undefined;
    if (smtp.passwordSecret && password === undefined) log.warn({ variable: secretVariable(smtp.passwordSecret) }, 'SMTP password secret is not set; sending without a password');
    transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: password ?? '' } } : {}),
      connectionTimeout: smtp.timeoutMs,
      greetingTimeout: smtp.timeoutMs,
      socketTimeout: smtp.timeoutMs,
      dnsTimeout: smtp.timeoutMs,
      logger: false,
      debug: false,
    });
    return transport;
  }

  const mailer = {
    /** Whether an SMTP server is configured (otherwise mails are only logged as skipped). */
    get enabled(): boolean {
      return smtp !== null;
    },

    /**
     * Send one message now. Without SMTP it is logged as "would send <template> to <hash>" and dropped. Failures
     * throw (the `mail.send` job retries them); the error logged carries the SMTP code, never the message.
     */
    async send(message: MailMessage): Promise<void> {
      const template = message.template ?? 'message';
      const toHash = addressHash(message.to);
      if (!smtp) {
        log.info({ event: 'mail.skipped', template, toHash }, `would send ${template} to ${toHash}`);
        return;
      }
      try {
        const info = await transporter().sendMail({ from: config.mail.from, to: message.to, subject: message.subject, text: message.text, ...(message.html ? { html: message.html } : {}) });
        log.info({ event: 'mail.sent', template, toHash, messageId: info.messageId }, `sent ${template} to ${toHash}`);
      } catch (error) {
        const { code, responseCode } = error as { code?: string; responseCode?: number };
        log.warn({ event: 'mail.failed', template, toHash, code, responseCode }, `sending ${template} to ${toHash} failed`);
        throw new Error(`sending ${template} failed (${code ?? 'error'}${responseCode ? ` ${responseCode}` : ''})`, { cause: error });
      }
    },

    /** Render a template and send it now. */
    async sendTemplate<K extends MailTemplateName>(to: string, template: K, data: MailTemplates[K]): Promise<void> {
      await mailer.send({ to, template, ...renderMail(template, data) });
    },

    /**
     * Queue a template for the `mail.send` job (retried on failure). With `em` inside a transaction the job commits
     * with it. The address and data are sealed with the secret box, so the job row never holds a link in clear.
     */
    async enqueue<K extends MailTemplateName>(to: string, template: K, data: MailTemplates[K], options: { em?: EntityManager } = {}): Promise<void> {
      const job: MailJob = { template, sealed: secretBox.seal({ to, data }, JOB_AAD) };
      await jobs.send('mail.send', job, options.em ? { em: options.em } : {});
    },

    /** The `mail.send` worker: open, render, send. */
    async run(job: MailJob): Promise<void> {
      const { to, data } = secretBox.open<{ to: string; data: MailTemplates[MailTemplateName] }>(job.sealed, JOB_AAD);
      await mailer.send({ to, template: job.template, ...renderMail(job.template, data as never) });
    },

    close(): void {
      transport?.close();
      transport = undefined;
    },
  };
  return mailer;
}
export type Mailer = ReturnType<typeof createMailer>;
