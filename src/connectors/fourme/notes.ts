/**
 * @module connectors/fourme/notes
 * 4me keeps at most 64 KB of text in a note. A longer note (a verbose API answer noted on a task)
 * is cut to fit, on a character boundary, with a marker saying so, instead of 4me refusing the
 * mutation and the task never hearing the result.
 */
export const NOTE_LIMIT_BYTES = 65_535;

export function capNote(text: string, limit = NOTE_LIMIT_BYTES): string {
  const bytes = Buffer.byteLength(text);
  if (bytes <= limit) return text;
  const marker = `\n\n[… cut by Hookflow: the note was ${bytes} bytes; 4me keeps at most 64 KB]`;
  const room = limit - Buffer.byteLength(marker);
  // Cutting the buffer may split a UTF-8 sequence; decoding drops the broken tail as U+FFFD, so trim it.
  const head = Buffer.from(text).subarray(0, room).toString('utf8').replace(/\uFFFD+$/, '');
  return head + marker;
}

const NOTE_KEYS = ['note', 'internalNote', 'text'];

/** The input with each note-carrying field cut to 4me's limit. */
export function capNotes<T extends Record<string, unknown>>(input: T): T {
  const out: Record<string, unknown> = { ...input };
  for (const k of NOTE_KEYS) if (typeof out[k] === 'string') out[k] = capNote(out[k] as string);
  return out as T;
}
