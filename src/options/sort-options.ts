/** `--sort KEY` and `--asc`, as every ranking command takes them: only the keys and the default differ. */
import { defineOption, switchOption } from './option-record.js';
import { choice } from './parse-values.js';

/** The two records, to spread into a command's options. */
export function sortOptions<const Key extends string>(keys: readonly Key[], defaultKey: NoInfer<Key>) {
  return [
    defineOption({ key: 'sort', flags: '--sort <key>', description: 'ranking key', default: defaultKey, ...choice(keys) }),
    switchOption('ascending', '--asc', 'ascending order'),
  ] as const;
}
