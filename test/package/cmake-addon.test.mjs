// The addon that cmake-js builds from CMakeLists.txt (`npm run build:cmake`) compiles what
// binding.gyp compiles, with binding.gyp's flags: CMake configures the project as cmake-js does
// (CMAKE_JS_VERSION set) and its compile commands are compared with binding.gyp and the source list.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const gyp = JSON.parse(readFileSync(join(root, 'binding.gyp'), 'utf8')).targets[0];
const build = mkdtempSync(join(tmpdir(), 'turbotoken-cmake-js-'));
afterAll(() => rmSync(build, { recursive: true, force: true }));

execFileSync('cmake', ['-S', root, '-B', build, '-DCMAKE_BUILD_TYPE=Release', '-DCMAKE_EXPORT_COMPILE_COMMANDS=ON',
  '-DCMAKE_JS_VERSION=8.0.0', '-DCMAKE_JS_INC=/usr/include/node'], { stdio: 'ignore' });
const commands = JSON.parse(readFileSync(join(build, 'compile_commands.json'), 'utf8'))
  .filter((c) => c.output?.includes('turbotoken.dir') ?? c.command.includes('turbotoken.dir'));

it('compiles the source list that binding.gyp compiles', () => {
  const addon = execFileSync(process.execPath, [join(root, 'scripts/sources.js'), 'addon'], { encoding: 'utf8' }).trim().split('\n');
  expect(commands.map((c) => relative(root, c.file)).sort()).toEqual([...addon].sort());
});

it("passes binding.gyp's defines and C++ flags to every file", () => {
  for (const { command, file } of commands) {
    const args = command.split(/\s+/);
    for (const define of gyp.defines) expect({ file, has: args.includes(`-D${define}`) }).toEqual({ file, has: true });
    for (const flag of gyp.cflags_cc) expect({ file, has: args.includes(flag) }).toEqual({ file, has: true });
    for (const removed of gyp['cflags_cc!'].concat(gyp['cflags!'])) {
      if (!gyp.cflags_cc.includes(removed)) expect({ file, has: args.includes(removed) }).toEqual({ file, has: false });
    }
  }
});
