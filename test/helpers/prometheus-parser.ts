import { createRequire } from 'node:module';

/** A sample as the parser returns it (prom2json-compatible); the package has no type declarations. */
export interface ParsedSample {
  value?: string;
  labels?: Record<string, string>;
  quantiles?: Record<string, string>;
  count?: string;
  sum?: string;
}

export interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  metrics: ParsedSample[];
}

/** The real Prometheus text-format parser (`parse-prometheus-text-format`), typed. */
export const parsePrometheusTextFormat = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => ParsedFamily[];
