// Command-line parsing: `--name value`, `--name=value`, short aliases, flags, `--` and `-` (stdin).
// Mistakes are UsageErrors (exit code 2) whose message says what was expected.

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

export interface OptionSpec {
  /** 'flag' takes no value; 'string' takes one, limited to `choices` when given. */
  type: 'flag' | 'string';
  alias?: string;
  choices?: readonly string[];
  default?: string;
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface Parsed {
  options: OptionValues;
  positionals: string[];
}

function lookup(specs: Record<string, OptionSpec>, arg: string): [string, OptionSpec] | undefined {
  if (arg.startsWith('--')) {
    const name = arg.slice(2);
    return specs[name] ? [name, specs[name]] : undefined;
  }
  const short = arg.slice(1);
  return Object.entries(specs).find(([, spec]) => spec.alias === short);
}

function setValue(options: OptionValues, name: string, spec: OptionSpec, value: string): void {
  if (spec.choices && !spec.choices.includes(value)) {
    throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')}; received ${JSON.stringify(value)}`);
  }
  options[name] = value;
}

export function parseArgs(argv: readonly string[], specs: Record<string, OptionSpec>, command: string): Parsed {
  const options: OptionValues = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const key = eq > 0 ? arg.slice(0, eq) : arg;
    const found = lookup(specs, key);
    if (!found) throw new UsageError(`Unknown option ${key} for "${command}". See turbotoken ${command} --help`);
    const [name, spec] = found;
    if (spec.type === 'flag') {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    setValue(options, name, spec, value);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (options[name] === undefined && spec.default !== undefined) options[name] = spec.default;
  }
  return { options, positionals };
}

/** A whole number from an option, within [min, max]. */
export function intOption(value: string | boolean | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined || typeof value === 'boolean') return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}; received ${JSON.stringify(value)}`);
  }
  return Number(value);
}
