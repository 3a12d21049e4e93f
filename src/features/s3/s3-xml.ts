/**
 * The little XML S3 answers with, read without a parser dependency: S3's
 * responses are flat, generated documents (no DTDs, comments or
 * processing instructions inside the elements read here), so finding an
 * element by name and decoding its text is all ListObjectsV2 and the error
 * document need. Keys come back as XML text: their entities must be decoded.
 */

const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** An element's text: character and entity references decoded, CDATA sections taken as they are. */
export function decodeXmlText(raw: string): string {
  return raw.replace(/<!\[CDATA\[([\s\S]*?)\]\]>|&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g, (match, cdata: string | undefined, entity: string | undefined) => {
    if (cdata !== undefined) return cdata;
    if (entity === undefined) throw new Error('Malformed XML: a bare & in text');
    if (entity.startsWith('#')) {
      const code = entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
      if (code > 0x10ffff) throw new Error(`Malformed XML: character reference ${match}`);
      return String.fromCodePoint(code);
    }
    const named = NAMED_ENTITIES[entity];
    if (named === undefined) throw new Error(`Malformed XML: unknown entity ${match}`);
    return named;
  });
}

/** The raw content of every `<name>` element of `xml` (an empty string for `<name/>`), in document order. */
export function xmlElements(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${name}\\s*>)`, 'g');
  return [...xml.matchAll(pattern)].map((match) => match[1] ?? '');
}

/** The decoded text of the first `<name>` element, if there is one. */
export function xmlText(xml: string, name: string): string | undefined {
  const [first] = xmlElements(xml, name);
  return first === undefined ? undefined : decodeXmlText(first);
}
