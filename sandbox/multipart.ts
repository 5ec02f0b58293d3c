/** A streaming multipart/form-data reader for the sandbox's storage origin (uploads.ts). */
/**
 * A streaming multipart/form-data reader that keeps the small fields and only counts the bytes of the `file` part.
 * It remembers whether anything came after `file` (refused: "the 'file' field MUST be last").
 */
export class FormCounter {
  readonly fields: Record<string, string> = {};
  fileBytes = 0;
  /** The `filename` of the file part. */
  fileName: string | undefined;
  private readonly delim: Buffer;
  private buf: Buffer = Buffer.from('\r\n');
  private state: 'preamble' | 'headers' | 'body' | 'done' = 'preamble';
  private part: { name: string; isFile: boolean; chunks: Buffer[]; size: number } | undefined;
  private sawFile = false;
  private afterFile = false;
  private bad: string | undefined;

  /** `fileField`: the name of the file part ('file' for signed POSTs, 'File' for the legacy TD11 upload). */
  constructor(
    boundary: string,
    private readonly fileField = 'file',
  ) {
    this.delim = Buffer.from(`\r\n--${boundary}`);
  }

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      if (this.state === 'done' || this.bad) {
        this.buf = Buffer.alloc(0);
        return;
      }
      if (this.state === 'preamble' || this.state === 'body') {
        const i = this.buf.indexOf(this.delim);
        if (i < 0) {
          const keep = Math.min(this.buf.length, this.delim.length + 1);
          this.data(this.buf.subarray(0, this.buf.length - keep));
          this.buf = this.buf.subarray(this.buf.length - keep);
          return;
        }
        if (this.buf.length < i + this.delim.length + 2) {
          this.data(this.buf.subarray(0, i));
          this.buf = this.buf.subarray(i);
          return;
        }
        this.data(this.buf.subarray(0, i));
        this.endPart();
        const tail = this.buf.subarray(i + this.delim.length, i + this.delim.length + 2).toString('latin1');
        this.buf = this.buf.subarray(i + this.delim.length + 2);
        this.state = tail === '--' ? 'done' : 'headers';
        continue;
      }
      const h = this.buf.indexOf('\r\n\r\n');
      if (h < 0) {
        if (this.buf.length > 16 * 1024) {
          this.bad = 'A form part has headers over 16 KiB.';
        }
        return;
      }
      const headers = this.buf.subarray(0, h).toString('utf8');
      this.buf = this.buf.subarray(h + 4);
      const name = /(?:^|[;\s])name="([^"]*)"/i.exec(headers)?.[1] ?? '';
      const isFile = name === this.fileField;
      if (this.sawFile) {
        this.afterFile = true;
      }
      if (isFile) {
        this.fileName = /filename="([^"]*)"/i.exec(headers)?.[1];
      }
      this.sawFile ||= isFile;
      this.part = { name, isFile, chunks: [], size: 0 };
      this.state = 'body';
    }
  }

  private data(b: Buffer): void {
    const p = this.part;
    if (!p || this.state !== 'body' || !b.length) {
      return;
    }
    p.size += b.length;
    if (p.isFile) {
      this.fileBytes += b.length;
    } else if (p.size <= 64 * 1024) {
      p.chunks.push(Buffer.from(b));
    }
  }

  private endPart(): void {
    const p = this.part;
    if (p && !p.isFile) {
      this.fields[p.name] = Buffer.concat(p.chunks).toString('utf8');
    }
    this.part = undefined;
  }

  /** Why the form is refused; `fileLast`: anything after the file part is refused. */
  problem(fileLast = true): string | undefined {
    if (this.bad) {
      return this.bad;
    }
    if (this.state !== 'done') {
      return 'The multipart body ended before its closing boundary.';
    }
    if (!this.sawFile) {
      return `The form has no '${this.fileField}' field.`;
    }
    return fileLast && this.afterFile ? "The 'file' field must be the last field of the form." : undefined;
  }
}
