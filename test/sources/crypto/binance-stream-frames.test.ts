import { describe, expect, it } from 'vitest';
import { binanceStreamUrl, parseStreamFrame } from '../../../src/sources/crypto/binance-stream-frames.js';

const ticker = (s: string, c: unknown, E = 1_700_000_000_000) => ({ e: '24hrMiniTicker', E, s, c, o: '1', h: '1', l: '1', v: '1', q: '1' });

describe('Binance mini-ticker frames', () => {
  it('maps USDT pairs to USD prices with the event time, skipping other quotes and prices that are not positive numbers', () => {
    const frame = JSON.stringify([
      ticker('BTCUSDT', '96005.10'),
      ticker('ETHBTC', '0.036'),
      ticker('BTCUSDC', '96001'),
      ticker('PEPEUSDT', '0.00001234'),
      ticker('BADUSDT', 'N/D'),
      ticker('ZEROUSDT', '0'),
      ticker('lowerusdt', '1'),
    ]);
    expect(parseStreamFrame(frame)).toEqual({
      kind: 'prices',
      prices: [
        { base: 'BTC', priceUsd: 96005.1, atMs: 1_700_000_000_000 },
        { base: 'PEPE', priceUsd: 0.00001234, atMs: 1_700_000_000_000 },
      ],
    });
  });

  it('knows the server going away, ignores other objects, and throws on what is not this stream', () => {
    expect(parseStreamFrame('{"e":"serverShutdown","E":1}')).toEqual({ kind: 'shutdown' });
    expect(parseStreamFrame('{"result":null,"id":1}')).toEqual({ kind: 'ignored' });
    expect(() => parseStreamFrame('[{"e":"24hrMiniTicker"')).toThrow('binance-stream sent a frame that is not JSON');
    expect(() => parseStreamFrame('[{"e":"trade","s":"BTCUSDT"}]')).toThrow('not mini-tickers');
    expect(() => parseStreamFrame(JSON.stringify([ticker('BTCUSDT', '1', Number.NaN)]))).toThrow('not mini-tickers');
    expect(() => parseStreamFrame(JSON.stringify(Array.from({ length: 10_001 }, () => 1)))).toThrow('too many entries');
  });

  it('builds the stream URL from SCREEN_BINANCE_WS_URL or the default, and refuses what is not ws: or wss:', () => {
    expect(binanceStreamUrl({})).toBe('wss://data-stream.binance.vision/ws/!miniTicker@arr');
    expect(binanceStreamUrl({ SCREEN_BINANCE_WS_URL: ' ws://127.0.0.1:9443/ws/ ' })).toBe('ws://127.0.0.1:9443/ws/!miniTicker@arr');
    expect(() => binanceStreamUrl({ SCREEN_BINANCE_WS_URL: 'https://data-stream.binance.vision/ws' })).toThrow(
      'must start with ws:// or wss://',
    );
    expect(() => binanceStreamUrl({ SCREEN_BINANCE_WS_URL: 'not a url' })).toThrow('is not a URL');
  });
});
