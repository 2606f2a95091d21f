import type { CommandSpec } from '../commands/command-spec.js';

/** A command as the CLI lists it: its name and summary now, its spec (and everything it imports) on demand. */
export interface CommandEntry {
  name: string;
  summary: string;
  /** Command lines shown under "Examples:" in its help, each with what it does after two spaces or more. */
  examples?: readonly string[];
  load(): Promise<CommandSpec<unknown, unknown>>;
}
