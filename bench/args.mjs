// Command-line options of the bench scripts: `--name value`, or a fallback.
export function arg(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : process.argv[at + 1];
}
