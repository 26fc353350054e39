/**
 * Just enough XML for the Route 53 fake: a parser for the request bodies the SDK sends (elements and text; no
 * attributes kept, no DTDs) and a builder for answers. Hand-written because no XML package is a dependency of
 * this plugin.
 */

export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

/** The document's root element. Throws on what is not well-formed enough to read. */
export function parseXml(xml: string): XmlElement {
  const stack: XmlElement[] = [{ name: '#document', children: [], text: '' }];
  const tag = /<(\/?)([A-Za-z_][\w.-]*)([^>]*?)(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|([^<]+)/g;
  for (const match of xml.matchAll(tag)) {
    const [, closing, name, , selfClosing, text] = match;
    const top = stack.at(-1)!;
    if (text !== undefined) {
      top.text += decodeEntities(text);
    } else if (name === undefined) {
      continue;
    } else if (closing) {
      if (top.name !== name) throw new Error(`XML: </${name}> closes <${top.name}>`);
      stack.pop();
    } else {
      const element: XmlElement = { name, children: [], text: '' };
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (stack.length !== 1) throw new Error(`XML: <${stack.at(-1)!.name}> is not closed`);
  const root = stack[0]!.children[0];
  if (!root) throw new Error('XML: no root element');
  return root;
}

export const child = (element: XmlElement | undefined, name: string): XmlElement | undefined => element?.children.find((c) => c.name === name);
export const children = (element: XmlElement | undefined, name: string): XmlElement[] => element?.children.filter((c) => c.name === name) ?? [];
export const textOf = (element: XmlElement | undefined, name: string): string | undefined => child(element, name)?.text;

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A node of an answer: `[name, text]`, `[name, [children…]]`; `undefined` children are left out. */
export type XmlNode = [string, string | number | boolean | Array<XmlNode | undefined>];

export function renderXml(node: XmlNode, namespace?: string): string {
  const [name, content] = node;
  const open = namespace ? `<${name} xmlns="${namespace}">` : `<${name}>`;
  const inner = Array.isArray(content)
    ? content.filter((c): c is XmlNode => c !== undefined).map((c) => renderXml(c)).join('')
    : escape(String(content));
  return `${open}${inner}</${name}>`;
}
