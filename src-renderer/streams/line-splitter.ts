/**
 * A line splitter for streamed text: bytes go in as they arrive (a chunk may end inside a line,
 * or inside a multi-byte character), whole lines come out, without their `\n` or `\r\n`. A line
 * longer than `maxLineLength` is cut there, so one runaway write cannot hold the whole stream.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder();
  private rest = '';

  constructor(private readonly maxLineLength = 256 * 1024) {}

  /** The lines completed by this chunk. */
  push(chunk: Uint8Array | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (!text) return [];
    const parts = (this.rest + text).split('\n');
    this.rest = parts.pop() ?? '';
    const lines = parts.map(stripCarriageReturn);
    while (this.rest.length > this.maxLineLength) {
      lines.push(this.rest.slice(0, this.maxLineLength));
      this.rest = this.rest.slice(this.maxLineLength);
    }
    return lines;
  }

  /** The stream ended: whatever is left is the last line (if any). */
  end(): string[] {
    const tail = this.rest + this.decoder.decode();
    this.rest = '';
    return tail ? [stripCarriageReturn(tail)] : [];
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
