// `portico users create-owner`: the supported way to make the first account (and further owners) of an
// installation. Talks to the database only: no plugins, no API, no workers.
import type { Logger } from 'pino';
import type { PorticoConfig } from './config/schema.ts';
import { startEmbeddedPostgres } from './db/embedded-postgres.ts';
import { openDatabase } from './db/orm.ts';
import { AppError } from './errors/app-error.ts';
import { setOperator } from './modules/users/operator.ts';
import { createOwner, generatePassword } from './modules/users/owner.ts';
import type { CliIo } from './cli.ts';

export interface CreateOwnerOptions {
  email?: string;
  name?: string;
  organization?: string;
  /** Read the password from the first line of stdin; otherwise one is generated and printed once. */
  passwordStdin: boolean;
}

export async function createOwnerCommand(config: PorticoConfig, options: CreateOwnerOptions, io: CliIo, logger: Logger): Promise<number> {
  if (!options.email) {
    io.err('users create-owner needs --email <address>.\n');
    return 2;
  }
  let password: string;
  if (options.passwordStdin) {
    password = ((await (io.readStdin ?? readStdin)()).split(/\r?\n/)[0] ?? '').trimEnd();
  } else {
    password = generatePassword();
  }
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres({ ...config.database.embedded, onNotice: (message, details) => logger.warn(details, message) });
  try {
    const orm = await openDatabase(config.database.url ?? embedded!.url);
    try {
      const { user, organization, createdOrganization } = await createOwner(orm, { email: options.email, name: options.name, organization: options.organization, password });
      io.out(`Created ${user.email}, owner of "${organization.name}" (${createdOrganization ? 'new organization' : 'existing organization'}, slug ${organization.slug}).\n`);
      if (!options.passwordStdin) io.out(`Password (shown this once, store it now): ${password}\n`);
      return 0;
    } finally {
      await orm.close(true);
    }
  } catch (error) {
    if (error instanceof AppError) {
      io.err(`users create-owner failed [${error.code}]: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await embedded?.stop();
  }
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text;
}

/**
 * `portico users make-operator --email <address> [--revoke]`: grant (or withdraw) the instance operator flag of an
 * existing account. Operators reach `/v1/operator/…`; the flag gives no access inside organizations.
 */
export async function makeOperatorCommand(config: PorticoConfig, options: { email?: string; revoke: boolean }, io: CliIo, logger: Logger): Promise<number> {
  if (!options.email) {
    io.err('users make-operator needs --email <address>.\n');
    return 2;
  }
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres({ ...config.database.embedded, onNotice: (message, details) => logger.warn(details, message) });
  try {
    const orm = await openDatabase(config.database.url ?? embedded!.url);
    try {
      const user = await setOperator(orm, options.email, !options.revoke);
      io.out(options.revoke ? `${user.email} is no longer an instance operator.\n` : `${user.email} is now an instance operator.\n`);
      return 0;
    } finally {
      await orm.close(true);
    }
  } catch (error) {
    if (error instanceof AppError) {
      io.err(`users make-operator failed [${error.code}]: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await embedded?.stop();
  }
}
