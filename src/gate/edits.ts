/**
 * The gate's output is the script the model wrote, edited in place: types blanked, guards inserted, the
 * few literals SES would misread rewritten. Nothing is printed from the AST again, so every syntax the
 * parser accepts runs as written, and a position in the output maps back to the script with the edit list.
 *
 * Edits never add or remove line breaks, so lines map one to one; columns shift only by the text an edit
 * inserted earlier on the same line.
 */

/** Replace `source[start, end)` with `text`; `start === end` inserts. */
export interface SourceEdit {
  start: number;
  end: number;
  text: string;
  /** Where a position inside the inserted text maps back to (a guard: the loop or function it guards). */
  anchor?: number;
}

/** Collects edits in any order; `apply` sorts them (stable, so inserts at one offset keep their order). */
export class EditList {
  readonly #edits: SourceEdit[] = [];

  insert(at: number, text: string, anchor?: number): void {
    this.#edits.push(anchor === undefined ? { start: at, end: at, text } : { start: at, end: at, text, anchor });
  }

  replace(start: number, end: number, text: string): void {
    this.#edits.push({ start, end, text });
  }

  /** Replaces every character but line breaks with spaces: removed text keeps the layout. */
  blank(source: string, start: number, end: number): void {
    if (end > start) this.#edits.push({ start, end, text: blankText(source.slice(start, end)) });
  }

  get size(): number {
    return this.#edits.length;
  }

  /**
   * The edited source, the edits as applied (sorted) and those dropped because they overlap one before
   * them. Callers never produce overlaps; the gate refuses a script if one slipped through (fail closed:
   * a dropped edit may have been a guard).
   */
  apply(source: string): { text: string; applied: SourceEdit[]; dropped: SourceEdit[] } {
    const sorted = this.#edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i);
    const applied: SourceEdit[] = [];
    const dropped: SourceEdit[] = [];
    let out = '';
    let at = 0;
    for (const { e } of sorted) {
      if (e.start < at) {
        dropped.push(e);
        continue;
      }
      out += source.slice(at, e.start) + e.text;
      at = e.end;
      applied.push(e);
    }
    return { text: out + source.slice(at), applied, dropped };
  }
}

export function blankText(text: string): string {
  return text.replace(/[^\r\n\u2028\u2029]/g, ' ');
}

/** An edit that moved later text: `[start, end)` of the source became `length` characters. */
export type PositionShift = readonly [start: number, end: number, length: number, anchor?: number];

/**
 * Maps an offset in the edited text back to the original source: the start of an edit for a position
 * inside inserted text, the same relative position inside a replacement of equal length.
 */
export function originalOffset(edits: readonly (SourceEdit | PositionShift)[], editedOffset: number): number {
  let original = 0;
  let edited = 0;
  for (const e of edits) {
    const [start, end, length, anchor] = Array.isArray(e) ? (e as PositionShift) : [(e as SourceEdit).start, (e as SourceEdit).end, (e as SourceEdit).text.length, (e as SourceEdit).anchor];
    const unchanged = start - original;
    if (editedOffset < edited + unchanged) return original + (editedOffset - edited);
    edited += unchanged;
    if (editedOffset < edited + length) {
      const inside = editedOffset - edited;
      return length === end - start ? start + inside : (anchor ?? start);
    }
    edited += length;
    original = end;
  }
  return original + (editedOffset - edited);
}
