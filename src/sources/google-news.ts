import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as v from 'valibot';
import { parseDateText } from './news/dates.js';
import type { NewsFetchParams, NewsItem } from './news/news-item.js';
import { unexpectedData, validateResponse } from './shared/validate.js';

const SOURCE = 'google_news';

/** Locale parameters; `ceid` must equal `{gl}:{lang}` or Google ignores the others (api-notes §4). */
const LOCALE = { hl: 'en-US', gl: 'US', ceid: 'US:en' } as const;

/** `<base>/rss/search?q=<query>&hl=en-US&gl=US&ceid=US:en`, encoded by URLSearchParams. */
export function googleNewsUrl(baseUrl: string, query: string): string {
  return `${baseUrl}/rss/search?${new URLSearchParams({ q: query, ...LOCALE })}`;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Headlines like "2026" or "1e3" must stay text.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  // A feed with one item parses to an object, not an array, unless told otherwise.
  isArray: (_name, jpath) => jpath === 'rss.channel.item',
});

const textSchema = v.pipe(
  v.union([v.string(), v.number()]),
  v.transform((value) => String(value)),
);
/** `<source url="...">Reuters</source>` parses to `{ '#text', '@_url' }`; without attributes, to a string. */
const sourceSchema = v.union([textSchema, v.looseObject({ '#text': v.optional(textSchema) })]);

const itemSchema = v.looseObject({
  title: v.optional(textSchema),
  link: v.optional(textSchema),
  pubDate: v.optional(textSchema),
  source: v.optional(sourceSchema),
});

const feedSchema = v.looseObject({
  rss: v.looseObject({
    // An empty result set still has a channel (with its title); an empty <channel/> parses to "".
    // A channel with neither items nor a title is not a search feed: a changed answer, not "no news".
    channel: v.union([
      v.looseObject({ item: v.array(itemSchema) }),
      v.looseObject({ item: v.optional(v.array(itemSchema)), title: textSchema }),
      v.literal(''),
    ]),
  }),
});

/**
 * Google News RSS search (keyless). Titles lose their " - Publisher" suffix, the publisher comes
 * from `<source>`, links are Google redirect URLs (the real URL cannot be recovered, api-notes §4).
 * A body that is not an RSS feed (an HTML block page, malformed XML) throws QAHT_ERR_INVALID_DATA.
 */
export async function fetchGoogleNews(params: NewsFetchParams): Promise<NewsItem[]> {
  const url = googleNewsUrl(params.baseUrl, params.query);
  const response = await params.http.request(url, { ...params.request, source: SOURCE });
  return parseGoogleNewsRss(response.text, response.headers['content-type']);
}

/** Parses a Google News RSS body into items (exported for tests and the demo). */
export function parseGoogleNewsRss(body: string, contentType?: string): NewsItem[] {
  const text = body.trim();
  if (/html/i.test(contentType ?? '') || /^<!doctype html|^<html/i.test(text)) {
    throw unexpectedData(SOURCE, 'an HTML page instead of an RSS feed');
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw unexpectedData(SOURCE, `malformed XML (${valid.err.msg})`);
  let document: unknown;
  try {
    document = parser.parse(text);
  } catch (cause) {
    throw unexpectedData(SOURCE, 'malformed XML', { cause });
  }
  if (!document || typeof document !== 'object' || !('rss' in document)) {
    throw unexpectedData(SOURCE, 'not an RSS feed');
  }
  const feed = validateResponse(SOURCE, feedSchema, document);
  const items = feed.rss.channel === '' ? [] : (feed.rss.channel.item ?? []);
  const out: NewsItem[] = [];
  for (const item of items) {
    const publisher = publisherOf(item.source);
    const { title, suffixPublisher } = splitTitle(item.title ?? '', publisher);
    const link = item.link?.trim();
    if (!title || !link) continue;
    out.push({
      title,
      url: link,
      publisher: publisher ?? suffixPublisher,
      publishedAt: parseDateText(item.pubDate),
      summary: null,
    });
  }
  return out;
}

function publisherOf(source: v.InferOutput<typeof sourceSchema> | undefined): string | null {
  const name = typeof source === 'string' ? source : source?.['#text'];
  return name?.trim() || null;
}

/** Longest plausible publisher name in a suffix when `<source>` is missing. */
const MAX_SUFFIX_WORDS = 5;

/**
 * "Headline - Publisher" → "Headline". With a known publisher only that exact suffix is removed
 * (a headline may itself contain " - "); without one, a short last segment is taken as the publisher.
 */
export function splitTitle(raw: string, publisher: string | null): { title: string; suffixPublisher: string | null } {
  const title = raw.trim();
  if (publisher) {
    const suffix = ` - ${publisher}`;
    const stripped = title.toLowerCase().endsWith(suffix.toLowerCase()) ? title.slice(0, -suffix.length).trim() : title;
    return { title: stripped || title, suffixPublisher: null };
  }
  const cut = title.lastIndexOf(' - ');
  if (cut <= 0) return { title, suffixPublisher: null };
  const suffix = title.slice(cut + 3).trim();
  if (!suffix || suffix.split(/\s+/).length > MAX_SUFFIX_WORDS) return { title, suffixPublisher: null };
  return { title: title.slice(0, cut).trim(), suffixPublisher: suffix };
}
