/**
 * A span of an editor's text, in Monaco's `IRange` terms (1-based lines and columns, the end
 * column exclusive) so it can be used as a marker as is, plus the 0-based offsets it came from.
 */
export interface TextRange {
  startLineNumber: number;
  startColumn: number;
  endLineNumber: number;
  endColumn: number;
  startOffset: number;
  endOffset: number;
}

/** Turns offsets into lines and columns for one text; build once, ask many times. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line and column of an offset. Columns count UTF-16 units, as Monaco's do. */
  position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }

  range(startOffset: number, endOffset: number): TextRange {
    const start = this.position(startOffset);
    const end = this.position(endOffset);
    return {
      startLineNumber: start.line,
      startColumn: start.column,
      endLineNumber: end.line,
      endColumn: end.column,
      startOffset,
      endOffset,
    };
  }
}
