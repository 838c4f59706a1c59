// Runs a checking script (test/support/*-check.mjs) in a child process with extra environment
// variables, and returns the JSON object it prints last.
import { execFileSync } from 'node:child_process';

export function runJsonChild(script, args, env) {
  const out = execFileSync(process.execPath, [script, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', stdio: 'pipe' });
  return JSON.parse(out.trim().split('\n').pop());
}
