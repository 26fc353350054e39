import { randomUUID } from 'node:crypto';
import { p } from '@mikro-orm/core';

/** Columns every table has: a UUID primary key generated in the application, and creation time. */
export const baseColumns = {
  id: p.uuid().primary().onCreate(() => randomUUID()),
  createdAt: p.datetime().onCreate(() => new Date()),
};
