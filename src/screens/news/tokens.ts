import { sanitizeText } from '../../output/sanitize.js';

/**
 * Words that carry no identity in a headline. Removing them lets "The SEC approves a bitcoin ETF"
 * and "SEC approves bitcoin ETF" compare equal.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been but by for from has have he her his how i if in into is it its ' +
    'new news no not of on or our over says she so than that the their them then there these they ' +
    'this to up us was we were what when where which while who why will with you your after about ' +
    'amid just more most out report reports via vs'
  ).split(' '),
);

// Words: a letter followed by letters/digits; numbers: digits with inner separators ("67,000", "3.8").
const TOKEN = /\p{L}[\p{L}\p{N}]*|\p{N}+(?:[.,]\p{N}+)*/gu;

/**
 * The comparable words of a headline or query, in order: sanitised (escapes cannot form tokens),
 * NFKC-folded, lower-cased, possessives and punctuation dropped, thousands separators removed,
 * stopwords removed, and a plural "s" trimmed from words longer than 3 letters ("ETFs" → "etf").
 */
export function tokenize(text: string): string[] {
  const folded = sanitizeText(text)
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’‘`]s\b/gu, '')
    .replace(/['’‘`]/gu, '');
  const out: string[] = [];
  for (const match of folded.matchAll(TOKEN)) {
    const token = stem(match[0].replace(/(\p{N}),(?=\p{N})/gu, '$1'));
    if (!STOPWORDS.has(token)) out.push(token);
  }
  return out;
}

function stem(word: string): string {
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}
