import { klinesAnswer, marketChartAnswer } from './history-replies.js';

/**
 * The demo's candle history requests, answered from the generator (`candle-generator.ts`):
 * Binance klines for any symbol and CoinGecko market_chart for any coin, every demo coin with
 * 1,000 daily and hourly bars to ask for. Undefined for any other request.
 */
export function historyAnswer(
  source: string,
  path: string,
  query: URLSearchParams,
  nowMs: number,
): { status: number; body: unknown } | undefined {
  if (source === 'binance' && path === '/api/v3/klines') {
    const interval = query.get('interval');
    const symbol = query.get('symbol') ?? '';
    if ((interval !== '1d' && interval !== '1h') || !/^[A-Z0-9]{2,20}$/.test(symbol))
      return { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
    const number = (name: string): number | undefined => (query.get(name) === null ? undefined : Number(query.get(name)));
    // The forming candle changes from minute to minute, as a real one does.
    const answer = klinesAnswer(
      symbol,
      interval,
      { startTime: number('startTime'), endTime: number('endTime'), limit: number('limit') },
      nowMs,
      {
        openSalt: Math.floor(nowMs / 60_000),
      },
    );
    return 'error' in answer ? { status: 400, body: answer.error } : { status: 200, body: answer.rows };
  }
  const chart = /^\/coins\/([^/]+)\/market_chart$/.exec(path);
  if (source === 'coingecko' && chart)
    return { status: 200, body: marketChartAnswer(decodeURIComponent(chart[1]!), Number(query.get('days') ?? '1'), nowMs) };
  return undefined;
}
