import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { PorticoConfig } from '../../config/schema.ts';
import { notFound } from '../../errors/app-error.ts';
import { uuidv7 } from '../events/entity.ts';
import { PublishedEvent } from '../events/entity.ts';
import { toEventRecord, type EventRecord } from '../events/publish.ts';
import type { Mailer } from '../mail/mailer.ts';
import { Notification, NotificationPreference } from './entity.ts';
import { DEFAULT_CHANNELS, ruleOf, type Channel, type NotificationRule, type Severity } from './rules.ts';

interface Deps {
  orm: MikroORM;
  config: Pick<PorticoConfig, 'http' | 'notifications'>;
  logger: Logger;
  mailer: Mailer;
}

export interface NotificationView {
  id: string;
  organizationId: string;
  eventId: string;
  type: string;
  severity: Severity;
  title: string;
  body: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface PreferenceView {
  channel: Channel;
  topic: string;
  enabled: boolean;
}

interface Recipient {
  id: string;
  email: string;
}

/** Domain ids are UUIDs: anything else is assigned to no project. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A list parameter: every value is a UUID or a topic name (no commas). */
const LIST = "string_to_array(?, ',')";
/** Items listed in one digest mail; the rest are counted. */
const DIGEST_ITEMS = 50;

const view = (n: Notification): NotificationView => ({
  id: n.id,
  organizationId: n.organization.id,
  eventId: n.eventId,
  type: n.type,
  severity: n.severity as Severity,
  title: n.title,
  body: n.body,
  link: n.link ?? null,
  readAt: n.readAt ? n.readAt.toISOString() : null,
  createdAt: n.createdAt.toISOString(),
});

/**
 * Whether `channel` is on for an event type, from the user's preferences: the type's own row, else its category's,
 * else the default. In-app is the base channel: muted in-app mutes the others too.
 */
export function channelOn(prefs: PreferenceView[], channel: Channel, type: string, category: string): boolean {
  const find = (c: Channel) => prefs.find((p) => p.channel === c && p.topic === type) ?? prefs.find((p) => p.channel === c && p.topic === category);
  const on = (c: Channel) => find(c)?.enabled ?? DEFAULT_CHANNELS[c];
  return on('in-app') && (channel === 'in-app' || on(channel));
}

export function createNotificationService({ orm, config, logger, mailer }: Deps) {
  const log = logger.child({ component: 'notifications' });
  const publicBase = (): string => (config.http.publicUrl ?? `http://${config.http.host}:${config.http.port}`).replace(/\/+$/, '');

  /** The users an event notifies (rules.ts `audience`): always members of the event's own organization. */
  async function recipients(em: EntityManager, event: EventRecord, rule: NotificationRule): Promise<Recipient[]> {
    const projects = new Set<string>();
    let domainId = '';
    if (rule.audience === 'resource') {
      if (event.projectId) projects.add(event.projectId);
      const subject = event.subject.kind === 'domain' ? event.subject.id : typeof event.data.domainId === 'string' ? event.data.domainId : '';
      if (UUID.test(subject)) domainId = subject;
    }
    // The projects of the event's domain (those it is assigned to, within the organization) are read in the same statement.
    return em.getConnection().execute<Recipient[]>(
      `select distinct u.id, u.email from memberships m join users u on u.id = m.user_id
        where m.organization_id = ?
          and ((m.project_id is null and m.role in ('owner', 'admin'))
            or (m.role in ('project_admin', 'project_member')
                and (m.project_id = any(${LIST}::uuid[])
                  or m.project_id in (select pd.project_id from project_domains pd join domains d on d.id = pd.domain_id
                                       where pd.domain_id = nullif(?, '')::uuid and d.organization_id = ?))))`,
      [event.organizationId, [...projects].join(','), domainId, event.organizationId],
    );
  }

  async function preferencesOf(em: EntityManager, userIds: string[]): Promise<Map<string, PreferenceView[]>> {
    const byUser = new Map<string, PreferenceView[]>();
    if (userIds.length === 0) return byUser;
    const rows = await em.find(NotificationPreference, { user: { $in: userIds } });
    for (const row of rows) {
      const list = byUser.get(row.user.id) ?? [];
      list.push({ channel: row.channel as Channel, topic: row.topic, enabled: row.enabled });
      byUser.set(row.user.id, list);
    }
    return byUser;
  }

  return {
    /**
     * The `event.published` consumer: one notification per recipient of the event's rule whose preferences allow
     * it, and an email for those who asked for one (queued in the same transaction). Idempotent: a recipient
     * already notified of the event is skipped, so a retried job adds nothing. Returns the notifications created.
     */
    async fanOut(eventId: string): Promise<number> {
      const em = orm.em.fork();
      const row = await em.findOne(PublishedEvent, { id: eventId }, { populate: ['organization'] });
      if (!row) return 0;
      const event = toEventRecord(row);
      const rule = ruleOf(event.type);
      if (!rule) return 0;
      const users = await recipients(em, event, rule);
      const prefs = await preferencesOf(em, users.map((u) => u.id));
      const wanted = users.filter((u) => channelOn(prefs.get(u.id) ?? [], 'in-app', event.type, rule.category));
      if (wanted.length === 0) return 0;
      const content = { severity: rule.severity(event), title: rule.title(event).slice(0, 300), body: rule.body(event), link: rule.link(event) };
      const organizationName = row.organization.name;
      const mailed = (user: Recipient) => channelOn(prefs.get(user.id) ?? [], 'email', event.type, rule.category);
      if (!wanted.some(mailed)) {
        // No email to queue with them: one statement writes every notification, atomically on its own.
        const inserted = await em.getConnection().execute<Array<{ id: string }>>(
          `insert into notifications (id, created_at, user_id, organization_id, event_id, type, severity, title, body, link, read_at)
           select r.id, now(), r.user_id, ?, ?, ?, ?, ?, ?, ?, null from unnest(${LIST}::uuid[], ${LIST}::uuid[]) as r(id, user_id)
           on conflict (user_id, event_id) do nothing returning id`,
          [event.organizationId, event.id, event.type, content.severity, content.title, content.body, content.link, wanted.map(() => uuidv7()).join(','), wanted.map((u) => u.id).join(',')],
        );
        if (inserted.length > 0) log.debug({ eventId, type: event.type, created: inserted.length }, 'notifications created');
        return inserted.length;
      }
      return em.transactional(async (tx) => {
        let created = 0;
        for (const user of wanted) {
          const inserted = await tx.getConnection().execute<Array<{ id: string }>>(
            `insert into notifications (id, created_at, user_id, organization_id, event_id, type, severity, title, body, link, read_at)
             values (?, now(), ?, ?, ?, ?, ?, ?, ?, ?, null) on conflict (user_id, event_id) do nothing returning id`,
            [uuidv7(), user.id, event.organizationId, event.id, event.type, content.severity, content.title, content.body, content.link],
            'all',
            tx.getTransactionContext(),
          );
          if (inserted.length === 0) continue;
          created += 1;
          if (mailed(user)) {
            const url = content.link ? `${publicBase()}${content.link}` : undefined;
            await mailer.enqueue(user.email, 'notification', { organizationName, title: content.title, body: content.body, ...(url ? { url } : {}) }, { em: tx });
          }
        }
        if (created > 0) log.debug({ eventId, type: event.type, created }, 'notifications created');
        return created;
      });
    },

    /** The user's notifications, newest first; `cursor` is the last id of the previous page. */
    async list(userId: string, options: { unread?: boolean; cursor?: string; limit: number }): Promise<{ items: NotificationView[]; nextCursor: string | null }> {
      const where: Record<string, unknown> = { user: userId };
      if (options.unread) where.readAt = null;
      if (options.cursor) where.id = { $lt: options.cursor };
      const rows = await orm.em.fork().find(Notification, where, { orderBy: { id: 'desc' }, limit: options.limit + 1 });
      const items = rows.slice(0, options.limit).map(view);
      return { items, nextCursor: rows.length > options.limit ? items.at(-1)!.id : null };
    },

    async unreadCount(userId: string): Promise<number> {
      return orm.em.fork().count(Notification, { user: userId, readAt: null });
    },

    /** Mark one of the user's notifications read (again: no change). Another user's id is NOT_FOUND. */
    async markRead(userId: string, id: string): Promise<NotificationView> {
      const em = orm.em.fork();
      const row = await em.findOne(Notification, { id, user: userId });
      if (!row) throw notFound('Notification');
      row.readAt ??= new Date();
      await em.flush();
      return view(row);
    },

    /** Mark every unread notification of the user read; returns how many changed. */
    async markAllRead(userId: string): Promise<number> {
      return orm.em.fork().nativeUpdate(Notification, { user: userId, readAt: null }, { readAt: new Date() });
    },

    /** The user's stored preferences (topics without a row take the defaults). */
    async preferences(userId: string): Promise<PreferenceView[]> {
      return (await preferencesOf(orm.em.fork(), [userId])).get(userId) ?? [];
    },

    /** Set preferences (upsert per channel and topic; others stay as they are). Returns all of the user's preferences. */
    async setPreferences(userId: string, changes: PreferenceView[]): Promise<PreferenceView[]> {
      const em = orm.em.fork();
      const existing = await em.find(NotificationPreference, { user: userId });
      for (const change of changes) {
        const row = existing.find((p) => p.channel === change.channel && p.topic === change.topic);
        if (row) row.enabled = change.enabled;
        else existing.push(em.create(NotificationPreference, { user: userId, channel: change.channel, topic: change.topic, enabled: change.enabled }));
      }
      await em.flush();
      return existing.map((p) => ({ channel: p.channel as Channel, topic: p.topic, enabled: p.enabled }));
    },

    /**
     * The daily digest: one mail per user with the unread notifications created since their last digest, in the
     * categories (or types) where the digest is on. At most one digest per user per UTC day (a second run the same
     * day sends nothing). Returns the number of digests queued.
     */
    async sendDigests(now = new Date()): Promise<number> {
      const em = orm.em.fork();
      const day = now.toISOString().slice(0, 10);
      const candidates = await em.getConnection().execute<Array<{ user_id: string; email: string }>>(
        `select distinct n.user_id, u.email from notifications n join users u on u.id = n.user_id
          where n.read_at is null
            and exists (select 1 from notification_preferences p where p.user_id = n.user_id and p.channel = 'digest' and p.enabled)
            and not exists (select 1 from notification_digests d where d.user_id = n.user_id and d.day = ?)
            and n.created_at > coalesce((select max(d.created_at) from notification_digests d where d.user_id = n.user_id), '-infinity')`,
        [day],
      );
      let sent = 0;
      for (const candidate of candidates) {
        const prefs = (await preferencesOf(em, [candidate.user_id])).get(candidate.user_id) ?? [];
        const rows = await em.getConnection().execute<Array<{ type: string; title: string; link: string | null; organization_name: string }>>(
          `select n.type, n.title, n.link, o.name as organization_name from notifications n join organizations o on o.id = n.organization_id
            where n.user_id = ? and n.read_at is null
              and n.created_at > coalesce((select max(d.created_at) from notification_digests d where d.user_id = n.user_id), '-infinity')
            order by n.id desc`,
          [candidate.user_id],
        );
        const items = rows.filter((r) => {
          const rule = ruleOf(r.type);
          return rule !== undefined && channelOn(prefs, 'digest', r.type, rule.category);
        });
        if (items.length === 0) continue;
        const queued = await em.transactional(async (tx) => {
          const inserted = await tx.getConnection().execute<unknown[]>(
            `insert into notification_digests (id, created_at, user_id, day, items) values (?, ?, ?, ?, ?) on conflict (user_id, day) do nothing returning id`,
            [uuidv7(), now, candidate.user_id, day, items.length],
            'all',
            tx.getTransactionContext(),
          );
          if (inserted.length === 0) return false;
          const listed = items.slice(0, DIGEST_ITEMS).map((r) => ({ organizationName: r.organization_name, title: r.title, ...(r.link ? { url: `${publicBase()}${r.link}` } : {}) }));
          await mailer.enqueue(candidate.email, 'notification-digest', { items: listed, more: items.length - listed.length, consoleUrl: `${publicBase()}/notifications` }, { em: tx });
          return true;
        });
        if (queued) sent += 1;
      }
      if (sent > 0) log.info({ digests: sent }, 'notification digests queued');
      return sent;
    },

    /**
     * Delete read notifications older than `notifications.retentionDays` and unread ones older than
     * `notifications.unreadRetentionDays` (the daily `notifications.purge` job). Age is counted from creation.
     * Returns the number deleted.
     */
    async purge(now = new Date()): Promise<number> {
      const readBefore = new Date(now.getTime() - config.notifications.retentionDays * 86_400_000);
      const unreadBefore = new Date(now.getTime() - config.notifications.unreadRetentionDays * 86_400_000);
      const rows = await orm.em
        .getConnection()
        .execute<unknown[]>('delete from notifications where created_at < case when read_at is null then ?::timestamptz else ?::timestamptz end returning id', [unreadBefore, readBefore]);
      if (rows.length > 0) log.info({ deleted: rows.length, readBefore, unreadBefore }, 'old notifications deleted');
      return rows.length;
    },
  };
}
export type NotificationService = ReturnType<typeof createNotificationService>;

