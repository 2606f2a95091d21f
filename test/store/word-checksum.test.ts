import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry } from '../../src/store/cache-entry.js';
import { wordChecksumHex } from '../../src/store/word-checksum.js';

describe('word checksums of large entry values', () => {
  it('change with any byte and with the length, and never look like FNV-1a', () => {
    const bytes = Buffer.from('0123456789abcdefg', 'latin1');
    const sum = wordChecksumHex(bytes);
    expect(sum).toMatch(/^w[0-9a-f]{16}$/);
    for (let i = 0; i < bytes.length; i++) {
      const damaged = Buffer.from(bytes);
      damaged[i] = damaged[i]! ^ 0x01;
      expect(wordChecksumHex(damaged)).not.toBe(sum);
    }
    expect(wordChecksumHex(bytes.subarray(0, 16))).not.toBe(sum);
    // An unaligned slice hashes as its bytes do.
    const shifted = Buffer.concat([Buffer.of(9), bytes]).subarray(1);
    expect(wordChecksumHex(shifted)).toBe(sum);
  });

  it('guard an entry encoded with them: whole reads back, one damaged byte is a checksum miss', () => {
    const { bytes } = encodeEntry(
      { key: 'k', source: 's', fetchedAt: 1, ttlMs: 1, value: { f64: 'A'.repeat(999) } },
      { checksum: 'words' },
    );
    const decoded = decodeEntry<{ f64: string }>(bytes, 'k');
    expect(decoded.ok && decoded.entry.checksum).toMatch(/^w/);
    expect(decoded.ok && decoded.entry.value.f64).toHaveLength(999);
    const damaged = Buffer.from(bytes);
    damaged[damaged.length - 10] = 0x42;
    expect(decodeEntry(damaged, 'k')).toEqual({ ok: false, reason: 'checksum' });
  });
});
