/** A stream text is written to: the process's stdout or stderr, or a test's capture. */
export interface OutputStream {
  write(chunk: string): unknown;
  /** True on an interactive terminal. */
  isTTY?: boolean;
  /** The terminal's width, when it is one. */
  columns?: number;
  /** The terminal's height, when it is one. */
  rows?: number;
}
