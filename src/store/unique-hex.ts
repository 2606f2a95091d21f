let sequence = 0;

/**
 * Hex digits no other call makes, in this process or another: the pid, the time, a count and a
 * random part (for writers on other hosts sharing the folder). For temp-file names and lock tokens,
 * which must only never repeat; nothing guesses them to gain anything (node:crypto is not loaded
 * for them: a cached run would pay for it).
 */
export function uniqueHex(): string {
  sequence = (sequence + 1) % 0x10000;
  const random = Math.floor(Math.random() * 0x100000000);
  return `${process.pid.toString(16)}${Date.now().toString(16)}${sequence.toString(16).padStart(4, '0')}${random.toString(16).padStart(8, '0')}`;
}
