import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KernelError } from '../errors.ts';
import type { ApplyRecordsInput, ApplyRecordsResult } from '../hooks.ts';
import type { Kernel } from '../kernel.ts';
import { DnsProviderError } from '../provider-errors.ts';
import type { RecordChange, RecordSet } from '../records.ts';

export interface DnsProviderConformanceContext {
  /** A kernel with the provider's plugin registered. */
  kernel: Kernel;
  /** Passed as `credentials` on every `applyRecords` call. */
  credentials?: Record<string, unknown>;
  /**
   * A credential of the right shape that the provider refuses (a wrong API key, a wrong TSIG secret): the suite
   * expects `verifyCredentials` and `applyRecords` to fail with kind `auth`.
   */
  badCredentials: Record<string, unknown>;
  /**
   * Write a record set behind Portico's back (the vendor client directly, no owner marker), as a person editing
   * the zone would. The suite checks that Portico then refuses to change or delete it.
   */
  writeForeign(set: RecordSet): Promise<void>;
  teardown?: () => Promise<void>;
}

export interface DnsProviderConformanceOptions {
  /** Shown in the suite's title. */
  name: string;
  /** The `applyRecords` key the plugin taps (`memory`, `powerdns`). */
  provider: string;
  /** A zone the provider may write to; the suite creates and removes uniquely named records under it. */
  zone: string;
  setup: () => Promise<DnsProviderConformanceContext>;
  /** Per-test timeout in milliseconds for providers behind slow APIs. Default 30000. */
  timeoutMs?: number;
}

/**
 * The behaviour every DNS provider plugin must show: creates, idempotent re-apply, updates, dry runs that
 * write nothing, deletes, refusal of names outside the zone, credentials checked (a refused one is `auth`),
 * read-back of what was written, and ownership: a record set Portico did not write is reported as a conflict and
 * never changed, a CNAME never joins other data, another owner's records are left alone. Call it at the top
 * level of a test file.
 */
export function dnsProviderConformance(options: DnsProviderConformanceOptions): void {
  const { name, provider, zone, setup, timeoutMs = 30_000 } = options;
  const run = randomBytes(4).toString('hex');
  let counter = 0;
  let ctx: DnsProviderConformanceContext | undefined;
  const used: RecordSet[] = [];

  /** Fresh TXT, A and CNAME record sets whose names no other test (or earlier run) uses. */
  const freshSets = (): [RecordSet, RecordSet, RecordSet] => {
    const n = `${run}-${++counter}`;
    const sets: [RecordSet, RecordSet, RecordSet] = [
      { name: `_portico-conformance-${n}.${zone}`, type: 'TXT', ttl: 300, values: [`portico-conformance=${n}`] },
      { name: `a-${n}.conformance.${zone}`, type: 'A', ttl: 300, values: ['192.0.2.10'] },
      { name: `cname-${n}.conformance.${zone}`, type: 'CNAME', ttl: 300, values: [`target-${n}.example.net`] },
    ];
    used.push(...sets);
    return sets;
  };

  const apply = (input: Partial<ApplyRecordsInput>): Promise<ApplyRecordsResult> => {
    if (!ctx) throw new Error('dnsProviderConformance: setup() did not run');
    return ctx.kernel.applyRecords(provider, { zone, upsert: [], remove: [], credentials: ctx.credentials, ...input });
  };

  const actions = (result: ApplyRecordsResult): RecordChange['action'][] => result.changes.map((c) => c.action);

  describe(`DNS provider conformance: ${name} (${provider})`, () => {
    beforeAll(async () => {
      ctx = await setup();
    }, timeoutMs);

    afterAll(async () => {
      if (!ctx) return;
      try {
        const unique = new Map(used.map((set) => [`${set.name} ${set.type}`, set]));
        if (unique.size > 0) await apply({ remove: [...unique.values()], adopt: true });
      } finally {
        await ctx.teardown?.();
      }
    }, timeoutMs);

    it('creates TXT, A and CNAME record sets and reports them as creates, in input order', async () => {
      const sets = freshSets();
      const result = await apply({ upsert: sets });
      expect(result.applied).toBe(true);
      expect(result.changes).toMatchObject(
        sets.map((set) => ({ action: 'create', name: set.name, type: set.type, before: [], after: set.values })),
      );
    }, timeoutMs);

    it('re-applying the same record sets changes nothing (all noop)', async () => {
      const sets = freshSets();
      await apply({ upsert: sets });
      const again = await apply({ upsert: sets });
      expect(actions(again)).toEqual(['noop', 'noop', 'noop']);
      expect(again.changes.map((c) => c.after)).toEqual(sets.map((set) => set.values));
    }, timeoutMs);

    it('changing values is an update with before and after', async () => {
      const [txt, a, cname] = freshSets();
      await apply({ upsert: [txt, a, cname] });
      const changed = [
        { ...txt, values: [`${txt.values[0]}-changed`] },
        { ...a, values: ['192.0.2.11', '192.0.2.12'] },
        { ...cname, values: [`other-${cname.values[0]}`] },
      ];
      used.push(...changed);
      const result = await apply({ upsert: changed });
      expect(result.applied).toBe(true);
      expect(actions(result)).toEqual(['update', 'update', 'update']);
      expect(result.changes.map((c) => c.before)).toEqual([txt.values, a.values, cname.values]);
      expect(result.changes.map((c) => [...c.after].sort())).toEqual(changed.map((set) => [...set.values].sort()));
      expect(actions(await apply({ upsert: changed }))).toEqual(['noop', 'noop', 'noop']);
    }, timeoutMs);

    it('a dry run returns the plan with applied:false and writes nothing', async () => {
      const sets = freshSets();
      const plan = await apply({ upsert: sets, dryRun: true });
      expect(plan.applied).toBe(false);
      expect(actions(plan)).toEqual(['create', 'create', 'create']);
      const real = await apply({ upsert: sets });
      expect(real.applied).toBe(true);
      expect(actions(real)).toEqual(['create', 'create', 'create']);
      const removal = await apply({ remove: sets, dryRun: true });
      expect(removal.applied).toBe(false);
      expect(actions(removal)).toEqual(['delete', 'delete', 'delete']);
      expect(actions(await apply({ upsert: sets }))).toEqual(['noop', 'noop', 'noop']);
    }, timeoutMs);

    it('removing deletes the record sets, removing again is a noop', async () => {
      const sets = freshSets();
      await apply({ upsert: sets });
      const removed = await apply({ remove: sets });
      expect(removed.applied).toBe(true);
      expect(removed.changes).toMatchObject(
        sets.map((set) => ({ action: 'delete', name: set.name, type: set.type, before: set.values, after: [] })),
      );
      const again = await apply({ remove: sets });
      expect(actions(again)).toEqual(['noop', 'noop', 'noop']);
    }, timeoutMs);

    it('reports upserts first, then removals, in one call', async () => {
      const [txt, a] = freshSets();
      await apply({ upsert: [a] });
      const result = await apply({ upsert: [txt], remove: [a] });
      expect(result.changes.map((c) => [c.action, c.name])).toEqual([
        ['create', txt.name],
        ['delete', a.name],
      ]);
    }, timeoutMs);

    it('refuses record sets outside the zone', async () => {
      const n = `${run}-outside`;
      const outside: RecordSet = { name: `x-${n}.portico-outside.invalid`, type: 'TXT', ttl: 300, values: ['no'] };
      // Ends with the zone's name without being inside it: a plain suffix test lets it through.
      const lookalike: RecordSet = { name: `x-${n}.evil${zone}`, type: 'TXT', ttl: 300, values: ['no'] };
      await expect(apply({ upsert: [outside] })).rejects.toThrow();
      await expect(apply({ upsert: [lookalike] })).rejects.toThrow();
      await expect(apply({ remove: [outside] })).rejects.toThrow();
    }, timeoutMs);

    it('verifies good credentials and finds the zone', async () => {
      const handle = ctx!.kernel.dns(provider);
      await expect(handle.verifyCredentials(ctx!.credentials)).resolves.toBeTypeOf('object');
      const info = await handle.getZone(zone, ctx!.credentials);
      expect(info.name).toBe(zone);
      expect(Array.isArray(info.nameservers)).toBe(true);
    }, timeoutMs);

    it('a refused credential is an auth error, for verification and for writes', async () => {
      const verified = await ctx!.kernel.dns(provider).verifyCredentials(ctx!.badCredentials).catch((err: unknown) => err);
      expect(verified).toBeInstanceOf(DnsProviderError);
      expect((verified as DnsProviderError).kind).toBe('auth');
      const [txt] = freshSets();
      const written = await apply({ upsert: [txt], credentials: ctx!.badCredentials }).catch((err: unknown) => err);
      expect(written).toBeInstanceOf(DnsProviderError);
      expect((written as DnsProviderError).kind).toBe('auth');
    }, timeoutMs);

    it('reads back what it wrote, values canonical', async () => {
      const sets = freshSets();
      await apply({ upsert: sets });
      const read = await ctx!.kernel.dns(provider).getRecords(zone, ctx!.credentials, { names: sets.map((s) => s.name) });
      for (const set of sets) {
        expect(read.find((r) => r.name === set.name && r.type === set.type)?.values).toEqual(set.values);
      }
    }, timeoutMs);

    it('never changes or deletes a record set it did not write: a conflict in the plan, nothing written', async () => {
      const [txt, a, cname] = freshSets();
      await ctx!.writeForeign(a);
      await ctx!.writeForeign(txt);
      const changed = { ...a, values: ['192.0.2.99'] };
      // The conflict blocks the whole plan: the CNAME, which is free, is not written either.
      const result = await apply({ upsert: [changed, cname] });
      expect(result.applied).toBe(false);
      expect(result.changes).toMatchObject([
        { action: 'conflict', name: a.name, type: 'A', before: a.values, after: changed.values, reason: 'not_owned' },
        { action: 'create', name: cname.name },
      ]);
      const removal = await apply({ remove: [txt] });
      expect(removal).toMatchObject({ applied: false, changes: [{ action: 'conflict', reason: 'not_owned' }] });
      const read = await ctx!.kernel.dns(provider).getRecords(zone, ctx!.credentials, { names: [a.name, txt.name, cname.name] });
      expect(read.find((r) => r.name === a.name && r.type === 'A')?.values).toEqual(a.values);
      expect(read.find((r) => r.name === txt.name && r.type === 'TXT')?.values).toEqual(txt.values);
      expect(read.some((r) => r.name === cname.name)).toBe(false);
      // The same values are no change at all, whoever wrote them; `adopt` takes the record set over.
      expect(actions(await apply({ upsert: [a] }))).toEqual(['noop']);
      expect(actions(await apply({ upsert: [changed], adopt: true }))).toEqual(['update']);
      expect(actions(await apply({ remove: [changed] }))).toEqual(['delete']);
      expect(actions(await apply({ remove: [txt], adopt: true }))).toEqual(['delete']);
    }, timeoutMs);

    it('a CNAME never lands next to other data at its name', async () => {
      const [txt, , cname] = freshSets();
      const name = cname.name;
      used.push({ ...txt, name });
      await ctx!.writeForeign({ ...txt, name });
      const result = await apply({ upsert: [cname] });
      expect(result).toMatchObject({ applied: false, changes: [{ action: 'conflict', reason: 'cname_exclusive' }] });
      const read = await ctx!.kernel.dns(provider).getRecords(zone, ctx!.credentials, { names: [name] });
      expect(read.map((r) => r.type)).toEqual(['TXT']);
      await apply({ remove: [{ ...txt, name }], adopt: true });
    }, timeoutMs);

    it('another owner\'s records are not ours either', async () => {
      const [txt] = freshSets();
      await apply({ upsert: [txt], owner: `other-${run}` });
      const result = await apply({ upsert: [{ ...txt, values: ['mine'] }] });
      expect(result).toMatchObject({ applied: false, changes: [{ action: 'conflict', reason: 'owned_by_other' }] });
      expect(actions(await apply({ remove: [txt], owner: `other-${run}` }))).toEqual(['delete']);
    }, timeoutMs);

    it('an unknown provider key is DNS_PROVIDER_UNKNOWN', async () => {
      const error = await ctx?.kernel
        .applyRecords(`no-such-provider-${run}`, { zone, upsert: [], remove: [] })
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(KernelError);
      expect((error as KernelError).code).toBe('DNS_PROVIDER_UNKNOWN');
    });
  });
}
