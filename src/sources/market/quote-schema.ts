/**
 * The schema of one cached market answer (`QuoteOutcome`): checked before a cached answer is
 * served, exactly as one just fetched; an entry of another shape (another version's) is a miss.
 */
import * as v from 'valibot';
import { shapeCheck } from '../shared/validate.js';
import { MARKET_SOURCE_ORDER, type QuoteOutcome } from './quote.js';

const MarketSourceSchema = v.picklist(MARKET_SOURCE_ORDER);

const QuoteOutcomeSchema = v.variant('kind', [
  v.object({
    kind: v.literal('quote'),
    quote: v.object({
      symbol: v.string(),
      name: v.nullable(v.string()),
      price: v.number(),
      changePct: v.nullable(v.number()),
      changeBasis: v.picklist(['previous-close', 'open']),
      volume: v.nullable(v.number()),
      source: MarketSourceSchema,
    }),
  }),
  v.object({ kind: v.literal('unknown'), symbol: v.string(), source: MarketSourceSchema }),
]) satisfies v.GenericSchema<QuoteOutcome>;

/** One source's answer about one symbol. */
export const isQuoteOutcome = shapeCheck(QuoteOutcomeSchema);
