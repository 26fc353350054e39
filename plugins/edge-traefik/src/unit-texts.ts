/**
 * Each unit of a kept configuration (render-cache.ts) serialised once and kept, so a change re-serialises only the
 * units it touched: the YAML of the file provider's one file and the JSON of the HTTP provider's body are joined
 * from these pieces instead of serialising the whole table again. The pieces sit in blocks whose bytes are kept
 * too: a change encodes only its block again, and a whole output is the blocks' bytes one after another (copied,
 * never encoded again), so one change costs a copy of the file, not a serialisation of the table.
 *
 * Rules: the pieces follow the cache generation by generation; a delta that does not start where the pieces are
 * (a skipped generation, a whole render) makes every piece anew. The joined YAML is byte for byte what `toYaml`
 * gives for the whole configuration; the JSON body is the configuration, keys in the order the units arrived,
 * with a digest that depends on the content only (an XOR of one SHA-256 per unit), so equal tables give equal
 * ETags in every process whatever their history.
 */
import { createHash } from 'node:crypto';
import { emitYaml } from '@portico/kernel';
import { SECTIONS, type RenderDelta, type Section, type TraefikRenderCache } from './render-cache.ts';
import type { TraefikConfig } from './render.ts';

/** Pieces made between two pauses of `syncInSlices`. */
const UNITS_PER_SLICE = 5000;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

type Serialise = (name: string, value: unknown) => string;

/** A unit as it sits under its section in the YAML file: `    <name>:\n      …`. */
const yamlUnit: Serialise = (name, value) => emitYaml({ [name]: value }, { indent: 4 }).slice(0, -1);

/** A unit as a JSON member: `"<name>":{…}`. */
const jsonUnit: Serialise = (name, value) => `${JSON.stringify(name)}:${JSON.stringify(value)}`;

/** Where `name` is, or belongs, in the sorted `names`. */
function position(names: readonly string[], name: string): number {
  let low = 0;
  let high = names.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (names[mid]! < name) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Pieces per block (about): a change joins and encodes its block again. */
const BLOCK = 256;
/** Blocks of a section whose pieces are not ordered (the JSON body): a piece's block is a hash of its name. */
const BUCKETS = 512;

/** FNV-1a of `name`, for its bucket. */
function bucketOf(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % BUCKETS;
}

interface Block {
  names: string[];
  /** The block's pieces joined and encoded, until one of them changes. */
  bytes: Buffer | undefined;
}

/**
 * One section's pieces in blocks, each block's bytes kept until a piece of it changes. `sorted`: blocks of
 * neighbouring names in name order (the YAML file is sorted), split when they grow past twice `BLOCK`; otherwise a
 * fixed set of buckets by a hash of the name (the JSON body's members may come in any order).
 */
class Blocks {
  #blocks: Block[] = [];
  readonly #sorted: boolean;
  readonly #join: (names: readonly string[]) => string;

  constructor(sorted: boolean, join: (names: readonly string[]) => string) {
    this.#sorted = sorted;
    this.#join = join;
  }

  /** Every piece anew: `names` are the section's names in any order. */
  reset(names: Iterable<string>): void {
    if (this.#sorted) {
      const all = [...names].sort(compare);
      this.#blocks = [];
      for (let i = 0; i < all.length; i += BLOCK) this.#blocks.push({ names: all.slice(i, i + BLOCK), bytes: undefined });
      return;
    }
    this.#blocks = Array.from({ length: BUCKETS }, (): Block => ({ names: [], bytes: undefined }));
    for (const name of names) this.#blocks[bucketOf(name)]!.names.push(name);
  }

  /** The block that holds `name`, or would. */
  #blockOf(name: string): number {
    if (!this.#sorted) return bucketOf(name);
    let low = 0;
    let high = this.#blocks.length - 1;
    // The last block whose first name is not after `name` (the first block when every block starts after it).
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.#blocks[mid]!.names[0]! <= name) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /** A piece of `name` was added (`added`), changed, or removed (`removed`). */
  touch(name: string, added: boolean, removed: boolean): void {
    if (this.#blocks.length === 0) this.#blocks.push({ names: [], bytes: undefined });
    const at = this.#blockOf(name);
    const block = this.#blocks[at]!;
    block.bytes = undefined;
    if (!added && !removed) return;
    const names = block.names;
    const index = this.#sorted ? position(names, name) : names.indexOf(name);
    if (added) {
      names.splice(this.#sorted ? index : names.length, 0, name);
      if (this.#sorted && names.length > 2 * BLOCK) this.#blocks.splice(at, 1, { names: names.slice(0, BLOCK), bytes: undefined }, { names: names.slice(BLOCK), bytes: undefined });
    } else if (index !== -1 && names[index] === name) {
      names.splice(index, 1);
      if (this.#sorted && names.length === 0 && this.#blocks.length > 1) this.#blocks.splice(at, 1);
    }
  }

  /** The bytes of every block that holds a piece, in order. */
  chunks(): Buffer[] {
    const out: Buffer[] = [];
    for (const block of this.#blocks) {
      if (block.names.length === 0) continue;
      out.push((block.bytes ??= Buffer.from(this.#join(block.names))));
    }
    return out;
  }

  /** Whether no block holds a piece. */
  get empty(): boolean {
    return this.#blocks.every((block) => block.names.length === 0);
  }
}

class UnitTexts {
  #generation = -1;
  readonly #texts: Record<Section, Map<string, string>> = { routers: new Map(), services: new Map(), middlewares: new Map() };
  readonly #blocks: Record<Section, Blocks>;
  readonly #serialise: Serialise;
  readonly #onChange: ((before: string | undefined, after: string | undefined, section: Section) => void) | undefined;

  /**
   * `sorted`: blocks in name order; `separator`: what follows each piece in a block (`'\n'`) or stands between
   * two (`','`, `between`).
   */
  constructor(serialise: Serialise, layout: { sorted: boolean; separator: string; between: boolean }, onChange?: (before: string | undefined, after: string | undefined, section: Section) => void) {
    this.#serialise = serialise;
    this.#onChange = onChange;
    const blocks = (section: Section) => {
      const texts = () => this.#texts[section];
      const join = layout.between
        ? (names: readonly string[]) => names.map((name) => texts().get(name)!).join(layout.separator)
        : (names: readonly string[]) => names.map((name) => texts().get(name)! + layout.separator).join('');
      return new Blocks(layout.sorted, join);
    };
    this.#blocks = { routers: blocks('routers'), services: blocks('services'), middlewares: blocks('middlewares') };
  }

  /** Bring the pieces to the cache's generation: by `delta` when it is the next one, else every piece anew. */
  sync(cache: TraefikRenderCache, delta: RenderDelta | undefined): void {
    for (const _ of this.#sync(cache, delta));
  }

  /** `sync`, handing the event loop back (`pause`) every `UNITS_PER_SLICE` pieces made anew. */
  async syncInSlices(cache: TraefikRenderCache, delta: RenderDelta | undefined, pause: () => Promise<void>): Promise<void> {
    for (const _ of this.#sync(cache, delta)) await pause();
  }

  *#sync(cache: TraefikRenderCache, delta: RenderDelta | undefined): Generator<void> {
    this.changed = this.#generation !== cache.generation && (delta === undefined || delta.units.length > 0 || this.#generation !== cache.generation - 1);
    if (delta !== undefined && this.#generation === cache.generation - 1) {
      for (const { section, name, after } of delta.units) {
        const texts = this.#texts[section];
        const before = texts.get(name);
        const text = after === undefined ? undefined : this.#serialise(name, after);
        if (text === undefined) texts.delete(name);
        else texts.set(name, text);
        if (before !== undefined || text !== undefined) this.#blocks[section].touch(name, before === undefined, text === undefined);
        this.#onChange?.(before, text, section);
      }
    } else if (this.#generation !== cache.generation) {
      for (const section of SECTIONS) {
        for (const text of this.#texts[section].values()) this.#onChange?.(text, undefined, section);
        const texts = new Map<string, string>();
        for (const name of cache.names(section)) {
          const text = this.#serialise(name, cache.unit(section, name));
          texts.set(name, text);
          this.#onChange?.(undefined, text, section);
          if (texts.size % UNITS_PER_SLICE === 0) yield;
        }
        this.#texts[section] = texts;
        this.#blocks[section].reset(texts.keys());
      }
    }
    this.#generation = cache.generation;
  }

  /** The section's pieces as encoded blocks, in order. */
  chunks(section: Section): Buffer[] {
    return this.#blocks[section].chunks();
  }

  /** Whether the section has no piece. */
  empty(section: Section): boolean {
    return this.#texts[section].size === 0;
  }

  /** Whether the last `sync` changed any piece. */
  changed = true;
}

/** The file provider's one file, joined from per-unit YAML, as the encoded pieces to write one after another. */
export class YamlFile {
  readonly #units = new UnitTexts(yamlUnit, { sorted: true, separator: '\n', between: false });
  #tls = '';
  #last: Buffer[] | undefined;

  /**
   * The whole file, as chunks to write in order; `changed` is false when it is known to equal the file of the
   * previous call (the delta changed no unit and the certificates are the same).
   */
  chunks(cache: TraefikRenderCache, delta: RenderDelta | undefined, tls: TraefikConfig['tls']): { chunks: readonly Buffer[]; changed: boolean } {
    this.#units.sync(cache, delta);
    const tlsText = tls === undefined ? '' : emitYaml({ tls });
    const changed = this.#units.changed || tlsText !== this.#tls || this.#last === undefined;
    this.#tls = tlsText;
    if (!changed && this.#last !== undefined) return { chunks: this.#last, changed };
    const section = (name: Section) => (this.#units.empty(name) ? [Buffer.from(`  ${name}: {}\n`)] : [Buffer.from(`  ${name}:\n`), ...this.#units.chunks(name)]);
    this.#last = [Buffer.from('http:\n'), ...section('middlewares'), ...section('routers'), ...section('services'), ...(tlsText ? [Buffer.from(tlsText)] : [])];
    return { chunks: this.#last, changed };
  }
}

/** The HTTP provider's body, joined from per-unit JSON, with a digest of its content. */
export class JsonBody {
  readonly #digest = Buffer.alloc(32);
  readonly #units = new UnitTexts(jsonUnit, { sorted: false, separator: ',', between: true }, (before, after, section) => {
    if (before !== undefined) this.#mix(section, before);
    if (after !== undefined) this.#mix(section, after);
  });

  #mix(section: Section, text: string): void {
    const hash = createHash('sha256').update(section).update('\0').update(text).digest();
    for (let i = 0; i < 32; i++) this.#digest[i]! ^= hash[i]!;
  }

  /** The body and its ETag; a whole rebuild of the pieces hands the event loop back now and then (`pause`). */
  async body(cache: TraefikRenderCache, delta: RenderDelta | undefined, tls: TraefikConfig['tls'], pause: () => Promise<void>): Promise<{ body: readonly Buffer[]; etag: string }> {
    await this.#units.syncInSlices(cache, delta, pause);
    const comma = Buffer.from(',');
    const section = (name: Section): Buffer[] => {
      const chunks = this.#units.chunks(name);
      return [Buffer.from(`${JSON.stringify(name)}:{`), ...chunks.flatMap((chunk, i) => (i === 0 ? [chunk] : [comma, chunk])), Buffer.from('}')];
    };
    const tlsText = tls === undefined ? '' : `,"tls":${JSON.stringify(tls)}`;
    const body = [Buffer.from('{"http":{'), ...section('routers'), comma, ...section('services'), comma, ...section('middlewares'), Buffer.from(`}${tlsText}}`)];
    const digest = createHash('sha256').update(this.#digest).update(tlsText).digest('base64url').slice(0, 27);
    // Weak: equal content, equal tag, though two processes may order the members differently.
    return { body, etag: `W/"${digest}"` };
  }
}
