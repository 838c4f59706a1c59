// The corpus command's inputs: files, directories (walked recursively) and glob patterns (for
// quoted patterns the shell did not expand), as one sorted list without duplicates, and "-" for
// stdin. Hidden entries (names starting with '.') are skipped when walking.
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileError } from './common';
import { CliError } from './options';

const GLOB_CHARS = /[*?[{]/;

/** A regular expression for a glob: `**` any directories, `*` and `?` within a name, [..], {a,b}. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:[^/]*/)*' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) out += '\\[';
      else {
        out += `[${glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

function walk(dir: string, files: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw fileError(error, dir);
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, files);
    else if (entry.isFile()) files.push(full);
    else if (entry.isSymbolicLink() && isFileLink(full)) files.push(full); // linked directories are not followed: no cycles
  }
}

function isFileLink(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false; // dangling
  }
}

function addPath(file: string, files: string[]): void {
  let stat;
  try {
    stat = statSync(file);
  } catch (error) {
    throw fileError(error, file);
  }
  if (stat.isDirectory()) walk(file, files);
  else files.push(file);
}

function expandGlob(pattern: string, files: string[]): void {
  const normalized = pattern.split(path.sep).join('/');
  const parts = normalized.split('/');
  const fixed = parts.findIndex((part) => GLOB_CHARS.test(part));
  const base = parts.slice(0, fixed).join('/') || '.';
  const matcher = globToRegExp(path.posix.normalize(normalized));
  const found: string[] = [];
  try {
    if (statSync(base).isDirectory()) walk(base, found);
  } catch {
    // a missing base matches nothing, reported below
  }
  const matched = found.filter((file) => matcher.test(path.posix.normalize(file.split(path.sep).join('/'))));
  if (matched.length === 0) throw new CliError(`${pattern}: no files match`);
  files.push(...matched);
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Every input file, sorted by path (code-unit order) and without duplicates. */
export function expandInputs(args: readonly string[]): string[] {
  const files: string[] = [];
  let stdin = false;
  for (const arg of args) {
    if (arg === '-') stdin = true;
    else if (GLOB_CHARS.test(arg) && !exists(arg)) expandGlob(arg, files);
    else addPath(arg, files);
  }
  const unique = [...new Set(files.map((file) => path.normalize(file)))];
  unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // stdin ("-") is read first, once, however often it is named.
  return stdin ? ['-', ...unique] : unique;
}
