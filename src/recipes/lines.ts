/**
 * @module recipes/lines
 * Maps a JSON pointer to the 1-based line it sits on in the YAML (or JSON, which YAML parses too)
 * source. A pointer that does not exist, such as a missing property, falls back to the nearest
 * existing parent.
 */
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

function unescape(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The key node is preferred for a map entry: an unknown key is reported where the key is written. */
function offsetOf(doc: Document, pointer: string): number | undefined {
  let node: unknown = doc.contents;
  let offset = (node as Node | null)?.range?.[0];
  const segs = pointer === '' ? [] : pointer.slice(1).split('/').map(unescape);
  for (const seg of segs) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === seg);
      if (!pair) break;
      offset = (pair.key as Node | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

export function lineOf(doc: Document, counter: LineCounter, pointer: string): number | undefined {
  const offset = offsetOf(doc, pointer);
  return offset === undefined ? undefined : counter.linePos(offset).line;
}
