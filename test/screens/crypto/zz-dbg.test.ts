import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fetchCoinGeckoMarkets } from '/work/main/src/sources/coingecko.js';
import { screenCrypto } from '/work/main/src/screens/crypto/screen-crypto.js';
import { StubHttp } from '/work/main/test/helpers/fake-runtime.js';
it('dbg', async () => {
  const body = readFileSync('/work/main/src/demo/recordings/crypto/coingecko-markets-page1.json', 'utf8').replace(/\{\{iso:-?\d+\}\}/g, 'x');
  const coins = await fetchCoinGeckoMarkets(new StubHttp([{ match: () => true, body }]), { baseUrl: 'http://x', top: 250 });
  const s = screenCrypto({ coingecko: coins }, { sort: 'score', ascending: false, minVolumeUsd: 1e6, limit: 1000 });
  console.log(s.excluded.filter(e => /btc|bull|lev/.test(e.id)), s.rows.find(r => r.id === 'btcup'));
});
