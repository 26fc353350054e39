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
  const email = options.email;
  return withDatabase(config, 'create-owner', io, logger, async (orm) => {
    const { user, organization, createdOrganization } = await createOwner(orm, { email, name: options.name, organization: options.organization, password });
    io.out(`Created ${user.email}, owner of "${organization.name}" (${createdOrganization ? 'new organization' : 'existing organization'}, slug ${organization.slug}).\n`);
    if (!options.passwordStdin) io.out(`Password (shown this once, store it now): ${password}\n`);
    return 0;
  });
}

/**
 * Runs `run` against the configured database (starting the embedded PostgreSQL when no URL is configured) and
 * closes everything afterwards. An AppError becomes `users <command> failed [CODE]: message` and exit code 1.
 */
async function withDatabase(
  config: PorticoConfig,
  command: string,
  io: CliIo,
  logger: Logger,
  run: (orm: Awaited<ReturnType<typeof openDatabase>>) => Promise<number>,
): Promise<number> {
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres({ ...config.database.embedded, onNotice: (message, details) => logger.warn(details, message) });
  try {
    const orm = await openDatabase(config.database.url ?? embedded!.url);
    try {
      return await run(orm);
    } finally {
      await orm.close(true);
    }
  } catch (error) {
    if (error instanceof AppError) {
      io.err(`users ${command} failed [${error.code}]: ${error.message}\n`);
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
  const email = options.email;
  return withDatabase(config, 'make-operator', io, logger, async (orm) => {
    const user = await setOperator(orm, email, !options.revoke);
    io.out(options.revoke ? `${user.email} is no longer an instance operator.\n` : `${user.email} is now an instance operator.\n`);
    return 0;
  });
}
