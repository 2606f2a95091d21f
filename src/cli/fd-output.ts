import { fstatSync, writeSync } from 'node:fs';
import type { OutputStream } from '../output/output-stream.js';

/**
 * The process's stdout or stderr (`fd` 1 or 2) as the CLI writes to it.
 *
 * A pipe or a file is written with `write(2)` directly: opening `process.stdout` on a pipe builds
 * a net.Socket (loading node:net and node:stream, several ms of a cached run), and a reader that
 * goes away (`screen crypto | head`) must end the output quietly, where the socket would throw
 * EPIPE from an event, with a stack trace. Should the descriptor refuse to block (EAGAIN: a pipe
 * some other process made non-blocking), the rest goes through `process.stdout`, which waits for
 * the reader, and so does everything after it, in order.
 *
 * Anything else (a terminal, /dev/null, a descriptor that cannot be inspected) is Node's own
 * stream, opened on first use, which also knows a terminal's size.
 */
export function fdOutput(fd: 1 | 2): OutputStream {
  let stream: NodeJS.WriteStream | undefined;
  const nodeStream = (): NodeJS.WriteStream => {
    if (!stream) {
      stream = fd === 1 ? process.stdout : process.stderr;
      // The reader went away (EPIPE) or the terminal did: nothing more can be shown, and that is
      // no reason to end the run with a stack trace.
      stream.on('error', () => {
        closed = true;
      });
    }
    return stream;
  };
  let direct = isPipeOrFile(fd);
  let closed = false;
  return {
    write(chunk: string): boolean {
      if (closed) return false;
      if (!direct) return nodeStream().write(chunk);
      const bytes = Buffer.from(chunk, 'utf8');
      let offset = 0;
      try {
        while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') {
          closed = true;
          return false;
        }
        if (code !== 'EAGAIN') throw error;
        direct = false;
        return nodeStream().write(bytes.subarray(offset));
      }
      return true;
    },
    get isTTY() {
      return direct ? false : nodeStream().isTTY === true;
    },
    get columns() {
      return direct ? undefined : nodeStream().columns;
    },
    get rows() {
      return direct ? undefined : nodeStream().rows;
    },
  };
}

function isPipeOrFile(fd: number): boolean {
  try {
    const stats = fstatSync(fd);
    return stats.isFIFO() || stats.isSocket() || stats.isFile();
  } catch {
    return false;
  }
}
