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
import { stringify } from 'yaml';
import { SECTIONS, type RenderDelta, type Section, type TraefikRenderCache } from './render-cache.ts';
import { toYaml, type TraefikConfig } from './render.ts';

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const YAML_OPTIONS = { sortMapEntries: true, lineWidth: 0, aliasDuplicateObjects: false } as const;

type Serialise = (name: string, value: unknown) => string;

/** A unit as it sits under its section in the YAML file: `    <name>:\n      …`. */
const yamlUnit: Serialise = (name, value) =>
  stringify({ [name]: value }, YAML_OPTIONS)
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');

/** A unit as a JSON member: `"<name>":{…}`. */
const jsonUnit: Serialise = (name, value) => `${JSON.stringify(name)}:${JSON.stringify(value)}`;

class UnitTexts {
  #generation = -1;
  readonly #texts: Record<Section, Map<string, string>> = { routers: new Map(), services: new Map(), middlewares: new Map() };
  readonly #serialise: Serialise;
  readonly #onChange: ((before: string | undefined, after: string | undefined, section: Section) => void) | undefined;

  constructor(serialise: Serialise, onChange?: (before: string | undefined, after: string | undefined, section: Section) => void) {
    this.#serialise = serialise;
    this.#onChange = onChange;
  }

  /** Bring the pieces to the cache's generation: by `delta` when it is the next one, else every piece anew. */
  sync(cache: TraefikRenderCache, delta: RenderDelta | undefined): void {
    if (delta !== undefined && this.#generation === cache.generation - 1) {
      for (const { section, name, after } of delta.units) {
        const texts = this.#texts[section];
        const before = texts.get(name);
        const text = after === undefined ? undefined : this.#serialise(name, after);
        if (text === undefined) texts.delete(name);
        else texts.set(name, text);
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
        }
        this.#texts[section] = texts;
      }
    }
    this.#generation = cache.generation;
  }

  texts(section: Section, sorted: boolean): string[] {
    const texts = this.#texts[section];
    return sorted ? [...texts.keys()].sort(compare).map((name) => texts.get(name)!) : [...texts.values()];
  }
}

/** The file provider's one file, joined from per-unit YAML. */
export class YamlFile {
  readonly #units = new UnitTexts(yamlUnit);

  text(cache: TraefikRenderCache, delta: RenderDelta | undefined, tls: TraefikConfig['tls']): string {
    this.#units.sync(cache, delta);
    const section = (name: Section) => {
      const texts = this.#units.texts(name, true);
      return texts.length === 0 ? `  ${name}: {}\n` : `  ${name}:\n${texts.join('\n')}\n`;
    };
    const http = `http:\n${section('middlewares')}${section('routers')}${section('services')}`;
    // Only the small tls section goes through the serialiser whole.
    return tls === undefined ? http : `${http}${toYaml({ tls } as TraefikConfig)}`;
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

  body(cache: TraefikRenderCache, delta: RenderDelta | undefined, tls: TraefikConfig['tls']): { body: string; etag: string } {
    this.#units.sync(cache, delta);
    const section = (name: Section) => `${JSON.stringify(name)}:{${this.#units.texts(name, false).join(',')}}`;
    const tlsText = tls === undefined ? '' : `,"tls":${JSON.stringify(tls)}`;
    const body = `{"http":{${section('routers')},${section('services')},${section('middlewares')}}${tlsText}}`;
    const digest = createHash('sha256').update(this.#digest).update(tlsText).digest('base64url').slice(0, 27);
    // Weak: equal content, equal tag, though two processes may order the members differently.
    return { body, etag: `W/"${digest}"` };
  }
}
