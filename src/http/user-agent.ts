import { packageVersion } from '../version.js';

/** `qaht/<version>`. Some APIs (GDELT) throttle requests without a User-Agent, so one is always sent. */
export function defaultUserAgent(): string {
  return `qaht/${packageVersion()}`;
}
