// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the scripts' ${…} are shell parameter expansions
/**
 * Shell completion scripts for bash, zsh and fish, generated from a model of the CLI (built from
 * the command index and the option records by `screen completion`), so a new option or sort key
 * is completed without anyone touching a script.
 */

/** What follows an option on the command line. */
export type CompletionValue =
  /** Nothing: a switch. */
  | { kind: 'none' }
  /** A free value (a number, a duration): nothing to offer. */
  | { kind: 'free' }
  /** One word of `words`. */
  | { kind: 'one-of'; words: readonly string[] }
  /** Comma-separated words of `words` (`--sources coingecko,binance`). */
  | { kind: 'list-of'; words: readonly string[] }
  /** A file or folder name. */
  | { kind: 'path' }
  /** Words the program prints when run with `args` at completion time (`config watchlists`: the config file's lists). */
  | { kind: 'program-words'; args: string };

export interface CompletionOption {
  /** The long flag, e.g. `--sort`. */
  flag: string;
  /** The short flag, e.g. `-h`, when there is one. */
  short?: string;
  description: string;
  value: CompletionValue;
}

export interface CompletionCommand {
  name: string;
  summary: string;
  options: readonly CompletionOption[];
  /** The words each positional argument accepts, in order; `undefined` for a free word (a query, a ticker). */
  positionals: ReadonlyArray<readonly string[] | undefined>;
}

export interface CompletionModel {
  /** The bins that get completion: `screen` and its alias `qaht`. */
  programs: readonly string[];
  commands: readonly CompletionCommand[];
  /** Options of the program itself (`--help`, `--version`). */
  options: readonly CompletionOption[];
}

export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** The completion script for `shell`, ending with a newline. */
export function completionScript(shell: CompletionShell, model: CompletionModel): string {
  switch (shell) {
    case 'bash':
      return bashScript(model);
    case 'zsh':
      return zshScript(model);
    case 'fish':
      return fishScript(model);
  }
}

/** A shell function name from the first program's name. */
function functionName(model: CompletionModel): string {
  return `_${(model.programs[0] ?? 'screen').replace(/[^A-Za-z0-9_]/g, '_')}_complete`;
}

/** Single-quoted for any POSIX-like shell (fish too): `'it'\''s'`. */
function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function bashScript(model: CompletionModel): string {
  const fn = functionName(model);
  const words = (list: readonly string[]): string => quote(list.join(' '));
  const lines = [
    `# bash completion for ${model.programs.join(' and ')}: source it, e.g. from ~/.bashrc:`,
    `#   source <(${model.programs[0]} completion bash)`,
    `${fn}_list() {`,
    '  # Comma-separated values: complete the word after the last comma, keep the ones before it,',
    '  # and offer only words not given yet (no `coingecko,coingecko`).',
    '  local prefix="" left="" w',
    '  [[ "$cur" == *,* ]] && prefix="${cur%,*},"',
    '  for w in $1; do [[ ",$prefix" == *",$w,"* ]] || left+="$w "; done',
    '  COMPREPLY=($(compgen -P "$prefix" -W "$left" -- "${cur##*,}"))',
    '  compopt -o nospace 2>/dev/null',
    '}',
    `${fn}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" cmd="" i',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    '    case "${COMP_WORDS[i]}" in -*) ;; *) cmd="${COMP_WORDS[i]}"; break ;; esac',
    '  done',
    '  if [[ -z "$cmd" ]]; then',
    `    COMPREPLY=($(compgen -W ${words([...model.commands.map((c) => c.name), ...model.options.flatMap(flagsOf)])} -- "$cur"))`,
    '    return',
    '  fi',
    '  case "$cmd" in',
  ];
  for (const command of model.commands) {
    lines.push(`    ${command.name})`);
    const valued = command.options.filter((option) => option.value.kind !== 'none');
    if (valued.length > 0) {
      lines.push('      case "$prev" in');
      for (const option of valued) lines.push(`        ${flagsOf(option).join('|')}) ${bashValue(option.value, fn)} ;;`);
      lines.push('      esac');
    }
    const positionals = command.positionals;
    if (positionals.some((choices) => choices !== undefined)) {
      // Which positional the word is: count the words since the command that are neither options nor their values.
      const takesValue = valued.flatMap(flagsOf).join('|');
      lines.push(
        '      if [[ "$cur" != -* ]]; then',
        '        local n=0 j',
        '        for ((j = i + 1; j < COMP_CWORD; j++)); do',
        '          case "${COMP_WORDS[j]}" in',
        ...(takesValue ? [`            ${takesValue}) ((j++)) ;;`] : []),
        '            -*) ;;',
        '            *) ((n++)) ;;',
        '          esac',
        '        done',
        '        case "$n" in',
        ...positionals.flatMap((choices, index) =>
          choices ? [`          ${index}) COMPREPLY=($(compgen -W ${words(choices)} -- "$cur")); return ;;`] : [],
        ),
        '        esac',
        '      fi',
      );
    }
    lines.push(`      COMPREPLY=($(compgen -W ${words(command.options.flatMap(flagsOf))} -- "$cur"))`, '      ;;');
  }
  lines.push('  esac', '}', `complete -F ${fn} ${model.programs.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

function flagsOf(option: CompletionOption): string[] {
  return option.short ? [option.short, option.flag] : [option.flag];
}

function bashValue(value: CompletionValue, fn: string): string {
  switch (value.kind) {
    case 'none':
    case 'free':
      return 'return';
    case 'one-of':
      return `COMPREPLY=($(compgen -W ${quote(value.words.join(' '))} -- "$cur")); return`;
    case 'list-of':
      return `${fn}_list ${quote(value.words.join(' '))}; return`;
    case 'path':
      return 'COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return';
    case 'program-words':
      return `COMPREPLY=($(compgen -W "$("\${COMP_WORDS[0]}" ${value.args} 2>/dev/null)" -- "$cur")); return`;
  }
}

/** Text inside a zsh `_arguments` spec or `_describe` entry: `[`, `]`, `:` and `\` escaped. */
function zshText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/([[\]:])/g, '\\$1');
}

function zshScript(model: CompletionModel): string {
  const fn = functionName(model);
  const lines = [
    `#compdef ${model.programs.join(' ')}`,
    `# zsh completion for ${model.programs.join(' and ')}: source it after compinit, e.g. from ~/.zshrc:`,
    `#   source <(${model.programs[0]} completion zsh)`,
    `${fn}() {`,
    '  local -a commands',
    `  commands=(${model.commands.map((command) => quote(`${command.name}:${zshText(command.summary)}`)).join(' ')})`,
    '  if (( CURRENT == 2 )); then',
    `    _describe -t commands command commands && return`,
    `    _arguments ${model.options.flatMap(zshOption).map(quote).join(' ')}`,
    '    return',
    '  fi',
    '  local cmd=${words[2]}',
    '  shift words',
    '  (( CURRENT-- ))',
    '  case $cmd in',
  ];
  for (const command of model.commands) {
    const specs = [
      ...command.options.flatMap(zshOption),
      ...command.positionals.map((choices, index) =>
        choices ? `${index + 1}:${index === 0 ? 'word' : 'argument'}:(${choices.join(' ')})` : `*:argument: `,
      ),
    ];
    lines.push(`    ${command.name}) _arguments -s ${specs.map(quote).join(' ')} ;;`);
  }
  lines.push('  esac', '}', `compdef ${fn} ${model.programs.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/** `_arguments` specs of an option: one per flag, a short and a long one excluding each other. */
function zshOption(option: CompletionOption): string[] {
  const help = `[${zshText(option.description)}]`;
  const value = zshValue(option.flag.replace(/^--/, ''), option.value);
  if (!option.short) return [`${option.flag}${help}${value}`];
  const both = `(${option.short} ${option.flag})`;
  return [`${both}${option.short}${help}${value}`, `${both}${option.flag}${help}${value}`];
}

function zshValue(name: string, value: CompletionValue): string {
  switch (value.kind) {
    case 'none':
      return '';
    case 'free':
      return `:${name}: `;
    case 'one-of':
      return `:${name}:(${value.words.join(' ')})`;
    case 'list-of':
      return `:${name}:_sequence compadd - ${value.words.join(' ')}`;
    case 'path':
      return `:${name}:_files`;
    case 'program-words':
      // $service is the program being completed (screen or qaht); one word per line.
      return `:${name}:{compadd - \${(f)"$(\${service} ${value.args} 2>/dev/null)"}}`;
  }
}

function fishScript(model: CompletionModel): string {
  const [program = 'screen', ...aliases] = model.programs;
  const names = model.commands.map((command) => command.name).join(' ');
  const lines = [
    `# fish completion for ${model.programs.join(' and ')}: save it as ~/.config/fish/completions/${program}.fish, or run`,
    `#   ${program} completion fish | source`,
    `complete -c ${program} -f`,
    ...aliases.map((alias) => `complete -c ${alias} -w ${program}`),
  ];
  for (const command of model.commands) {
    lines.push(
      `complete -c ${program} -n ${quote(`not __fish_seen_subcommand_from ${names}`)} -a ${command.name} -d ${quote(command.summary)}`,
    );
  }
  for (const option of model.options) lines.push(fishOption(program, `not __fish_seen_subcommand_from ${names}`, option));
  for (const command of model.commands) {
    const seen = `__fish_seen_subcommand_from ${command.name}`;
    for (const option of command.options) lines.push(fishOption(program, seen, option));
    // Positional words: the first while none of its words is on the line yet, the next after it.
    const [first, second] = command.positionals;
    if (first)
      lines.push(
        `complete -c ${program} -n ${quote(`${seen}; and not __fish_seen_subcommand_from ${first.join(' ')}`)} -a ${quote(first.join(' '))}`,
      );
    if (first && second)
      lines.push(
        `complete -c ${program} -n ${quote(`${seen}; and __fish_seen_subcommand_from ${first.join(' ')}`)} -a ${quote(second.join(' '))}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

function fishOption(program: string, condition: string, option: CompletionOption): string {
  const parts = [`complete -c ${program} -n ${quote(condition)} -l ${option.flag.replace(/^--/, '')}`];
  if (option.short) parts.push(`-s ${option.short.replace(/^-/, '')}`);
  switch (option.value.kind) {
    case 'none':
      break;
    case 'free':
      parts.push('-x');
      break;
    case 'one-of':
    case 'list-of':
      parts.push(`-x -a ${quote(option.value.words.join(' '))}`);
      break;
    case 'path':
      parts.push('-r -F');
      break;
    case 'program-words':
      parts.push(`-x -a ${quote(`(${program} ${option.value.args} 2>/dev/null)`)}`);
      break;
  }
  parts.push(`-d ${quote(option.description)}`);
  return parts.join(' ');
}
