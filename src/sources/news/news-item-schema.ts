/**
 * The schema of what every news adapter returns and the cache stores (`NewsItem[]`): a cached
 * value is checked with it before it is served, exactly as a value just fetched.
 */
import * as v from 'valibot';
import { shapeCheck } from '../shared/validate.js';
import type { NewsItem } from './news-item.js';

const nullableText = v.nullable(v.string());

const NewsItemSchema = v.object({
  title: v.string(),
  url: v.string(),
  publisher: nullableText,
  publishedAt: nullableText,
  summary: nullableText,
}) satisfies v.GenericSchema<NewsItem>;

/** A list of `NewsItem`. */
export const isNewsItemList = shapeCheck(v.array(NewsItemSchema));
