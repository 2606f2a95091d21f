import type { Clock } from '../../time/clock.js';

/** What one connection may receive; past any of these the connection is closed, with the limit as the reason. */
export interface FrameLimits {
  /** Largest frame, bytes (decompressed). */
  maxFrameBytes: number;
  /** Most frames in one second. */
  maxFramesPerSecond: number;
  /** Most bytes (frame text, in UTF-16 units) in one second. */
  maxBytesPerSecond: number;
}

/**
 * Counts frames and bytes per one-second window on the clock, so whatever a server sends, the
 * work done for it per second is bounded: past a limit `admit` names it and the caller closes.
 */
export class FrameGuard {
  readonly #limits: FrameLimits;
  readonly #clock: Clock;
  #windowStart = Number.NEGATIVE_INFINITY;
  #frames = 0;
  #bytes = 0;

  constructor(limits: FrameLimits, clock: Clock) {
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Counts one frame of `length`; returns why it breaks a limit, or undefined when it may be read. */
  admit(length: number): string | undefined {
    if (length > this.#limits.maxFrameBytes) return `the server sent a frame over ${this.#limits.maxFrameBytes} bytes`;
    const now = this.#clock.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#frames = 0;
      this.#bytes = 0;
    }
    this.#frames += 1;
    this.#bytes += length;
    if (this.#frames > this.#limits.maxFramesPerSecond) {
      return `the server is flooding: more than ${this.#limits.maxFramesPerSecond} frames in a second`;
    }
    if (this.#bytes > this.#limits.maxBytesPerSecond) {
      return `the server is flooding: more than ${this.#limits.maxBytesPerSecond} bytes in a second`;
    }
    return undefined;
  }
}
