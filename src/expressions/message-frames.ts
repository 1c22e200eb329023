/**
 * The wire format between the server and its evaluator processes: JSON messages, each
 * preceded by its length (4 bytes, big-endian). The reader learns a frame's size from its
 * header, before buffering it, so a peer can never make the other side hold more than
 * `maxBytes` — a message that large is refused as it is announced.
 */

const HEADER_BYTES = 4;

/**
 * Encodes one message as a frame.
 *
 * @example
 * socket.write(encodeFrame({ type: 'ready' }));
 */
export function encodeFrame(message: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(message) ?? 'null', 'utf8');
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(body.length, 0);
  return Buffer.concat([header, body]);
}

/** Reassembles frames from chunks of a byte stream (each byte is copied at most twice). */
export class FrameReader {
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Body size of the frame being read, once its header is in. */
  #expected: number | undefined;
  #failed = false;

  /**
   * @example
   * const reader = new FrameReader(64 * 1024 * 1024, message => handle(message), size => refuse(size));
   * socket.on('data', chunk => reader.push(chunk));
   */
  constructor(
    private readonly maxBytes: number,
    private readonly onFrame: (message: unknown) => void,
    private readonly onOversize: (bytes: number) => void,
  ) {}

  /** Feeds bytes; calls `onFrame` for each complete frame, `onOversize` (once, then ignores all) for one too large. */
  push(chunk: Buffer): void {
    if (this.#failed) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    for (;;) {
      if (this.#expected === undefined) {
        if (this.#buffered < HEADER_BYTES) return;
        const size = this.#consume(HEADER_BYTES).readUInt32BE(0);
        if (size > this.maxBytes) {
          this.#failed = true;
          this.#chunks = [];
          this.onOversize(size);
          return;
        }
        this.#expected = size;
      }
      if (this.#buffered < this.#expected) return;
      const body = this.#consume(this.#expected);
      this.#expected = undefined;
      this.onFrame(JSON.parse(body.toString('utf8')) as unknown);
      if (this.#failed) return;
    }
  }

  /** Removes and returns the first `n` buffered bytes (there are at least `n`). */
  #consume(n: number): Buffer {
    const all = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
    this.#chunks = all.length > n ? [all.subarray(n)] : [];
    this.#buffered -= n;
    return all.subarray(0, n);
  }

  /**
   * Stops reading: later bytes are ignored.
   * @example reader.stop();
   */
  stop(): void {
    this.#failed = true;
    this.#chunks = [];
  }
}
