/**
 * Parses a stream of JSON objects, one per line (also `application/json-seq` with its record
 * separators, and objects written back to back without newlines), into objects.
 * @module
 */
import { Transform, type TransformCallback } from 'node:stream';

/** Object-mode transform from bytes to parsed JSON values. */
export class JsonLines<T = unknown> extends Transform {
  private buf = '';

  constructor() {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.buf += chunk.toString('utf8');
    try {
      this.drain(false);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.drain(true);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  /** Emits every complete value in the buffer. */
  private drain(final: boolean): void {
    for (;;) {
      const text = this.buf.replace(/^[\s\x1e]+/, '');
      this.buf = text;
      if (!text) return;
      const end = valueEnd(text);
      if (end < 0) {
        if (final) throw new SyntaxError(`truncated JSON value in stream: ${text.slice(0, 80)}`);
        return;
      }
      this.push(JSON.parse(text.slice(0, end)) as T);
      this.buf = text.slice(end);
    }
  }
}

/** Index just past the first complete JSON object/array at the start of `s`, or -1. */
function valueEnd(s: string): number {
  const open = s[0];
  if (open !== '{' && open !== '[') {
    const nl = s.search(/[\n\x1e]/);
    return nl < 0 ? -1 : nl;
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}
