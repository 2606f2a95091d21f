/**
 * Whether stderr may carry lines redrawn in place (the pending-work line, progress bars): only a
 * terminal that can redraw (not `TERM=dumb`), and not under `--quiet`. Never a pipe or a file:
 * cron mails and logs get no carriage returns.
 */
export function liveLinesWanted(stderr: { isTTY?: boolean }, env: NodeJS.ProcessEnv, quiet: boolean): boolean {
  return stderr.isTTY === true && env.TERM !== 'dumb' && !quiet;
}
