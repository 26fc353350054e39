/**
 * Each unit of a kept configuration (render-cache.ts) serialised once and kept, so a change re-serialises only the
 * units it touched: the YAML of the file provider's one file and the JSON of the HTTP provider's body are joined
 * from these pieces instead of serialising the whole table again.
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

class UnitTexts {
  #generation = -1;
  readonly #texts: Record<Section, Map<string, string>> = { routers: new Map(), services: new Map(), middlewares: new Map() };
  /** Each section's names, sorted, kept in step with the texts once asked for (`texts(…, true)`). */
  readonly #sorted: Partial<Record<Section, string[]>> = {};
  readonly #serialise: Serialise;
  readonly #onChange: ((before: string | undefined, after: string | undefined, section: Section) => void) | undefined;

  constructor(serialise: Serialise, onChange?: (before: string | undefined, after: string | undefined, section: Section) => void) {
    this.#serialise = serialise;
    this.#onChange = onChange;
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
        const sorted = this.#sorted[section];
        if (sorted && (before === undefined) !== (text === undefined)) {
          const at = position(sorted, name);
          if (text === undefined) sorted.splice(at, 1);
          else sorted.splice(at, 0, name);
        }
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
        delete this.#sorted[section];
      }
    }
    this.#generation = cache.generation;
  }

  texts(section: Section, sorted: boolean): string[] {
    const texts = this.#texts[section];
    if (!sorted) return [...texts.values()];
    const names = (this.#sorted[section] ??= [...texts.keys()].sort(compare));
    return names.map((name) => texts.get(name)!);
  }

  /** Whether the last `sync` changed any piece. */
  changed = true;
}

/** The file provider's one file, joined from per-unit YAML. */
export class YamlFile {
  readonly #units = new UnitTexts(yamlUnit);
  #tls = '';
  #last: string | undefined;

  /**
   * The whole file; `changed` is false when it is known to equal the text of the previous call (the delta changed
   * no unit and the certificates are the same).
   */
  text(cache: TraefikRenderCache, delta: RenderDelta | undefined, tls: TraefikConfig['tls']): { text: string; changed: boolean } {
    this.#units.sync(cache, delta);
    const tlsText = tls === undefined ? '' : emitYaml({ tls });
    const changed = this.#units.changed || tlsText !== this.#tls || this.#last === undefined;
    this.#tls = tlsText;
    if (!changed && this.#last !== undefined) return { text: this.#last, changed };
    const section = (name: Section) => {
      const texts = this.#units.texts(name, true);
      return texts.length === 0 ? `  ${name}: {}\n` : `  ${name}:\n${texts.join('\n')}\n`;
    };
    this.#last = `http:\n${section('middlewares')}${section('routers')}${section('services')}${tlsText}`;
    return { text: this.#last, changed };
  }
}

/** The HTTP provider's body, joined from per-unit JSON, with a digest of its content. */
export class JsonBody {
  readonly #digest = Buffer.alloc(32);
  readonly #units = new UnitTexts(jsonUnit, (before, after, section) => {
    if (before !== undefined) this.#mix(section, before);
    if (after !== undefined) this.#mix(section, after);
  });

  #mix(section: Section, text: string): void {
    const hash = createHash('sha256').update(section).update('\0').update(text).digest();
    for (let i = 0; i < 32; i++) this.#digest[i]! ^= hash[i]!;
  }

  /** The body and its ETag; a whole rebuild of the pieces hands the event loop back now and then (`pause`). */
  async body(cache: TraefikRenderCache, delta: RenderDelta | undefined, tls: TraefikConfig['tls'], pause: () => Promise<void>): Promise<{ body: string; etag: string }> {
    await this.#units.syncInSlices(cache, delta, pause);
    const section = (name: Section) => `${JSON.stringify(name)}:{${this.#units.texts(name, false).join(',')}}`;
    const tlsText = tls === undefined ? '' : `,"tls":${JSON.stringify(tls)}`;
    const body = `{"http":{${section('routers')},${section('services')},${section('middlewares')}}${tlsText}}`;
    const digest = createHash('sha256').update(this.#digest).update(tlsText).digest('base64url').slice(0, 27);
    // Weak: equal content, equal tag, though two processes may order the members differently.
    return { body, etag: `W/"${digest}"` };
  }
}
