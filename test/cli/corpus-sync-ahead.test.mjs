// The corpus output's data is synced to disk ahead of the commit, a thread-pool sync per 32 MB
// written, so that the commit's own sync (which every thread waits for) has little left to
// write. The early syncs change nothing written, and one still running when the file is closed
// (a failed run removing its temporaries) is harmless.
import fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const { TempFile } = require('../../dist/cjs/cli/corpus-output.js');

const dir = mkdtempSync(path.join(os.tmpdir(), 'turbotoken-sync-ahead-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const realSync = fs.fdatasync;
afterEach(() => {
  fs.fdatasync = realSync;
});

// fdatasync calls, by the inode their descriptor is open on, passed on to the real one; `ended`
// holds a promise per call and `fds` the descriptors.
function spySyncs() {
  const fds = [];
  Object.defineProperty(fds, 'ended', { value: [] });
  Object.defineProperty(fds, 'fds', { value: [] });
  fs.fdatasync = (fd, callback) => {
    fds.push(fs.fstatSync(fd).ino);
    fds.fds.push(fd);
    fds.ended.push(new Promise((resolve) => realSync(fd, (error) => (callback(error), resolve()))));
  };
  return fds;
}

const MB = 1 << 20;
const chunk = (size, seed) => Buffer.alloc(size, seed);

describe('syncing the output ahead of the commit', () => {
  it('syncs a file once per 32 MB written, while it is written, and writes the same bytes', async () => {
    const syncs = spySyncs();
    const file = new TempFile(path.join(dir, 'a.bin'), true);
    const fd = fs.fstatSync(file.fd).ino;
    const parts = [chunk(20 * MB, 1), chunk(20 * MB, 2), chunk(30 * MB, 3), chunk(1 * MB, 4)];
    file.write(parts.slice(0, 1));
    expect(syncs).toEqual([]); // 20 MB: not yet
    file.write(parts.slice(1, 2));
    expect(syncs).toEqual([fd]); // 40 MB: one sync, begun while writing
    // On a descriptor of its own, so that it cannot take a write-back error from the commit's fsync.
    expect(syncs.fds[0]).not.toBe(file.fd);
    // A sync still running is not doubled; the next 32 MB start another once it has ended.
    await syncs.ended[0];
    file.write(parts.slice(2));
    expect(syncs).toEqual([fd]); // 31 MB since the last
    file.write([chunk(MB, 5)]);
    expect(syncs).toEqual([fd, fd]);
    parts.push(chunk(MB, 5));
    const { bytes, sha256 } = file.digest();
    file.close(true);
    const written = readFileSync(file.temp);
    expect(written.equals(Buffer.concat(parts))).toBe(true);
    expect(bytes).toBe(written.length);
    expect(sha256).toBe(require('node:crypto').createHash('sha256').update(written).digest('hex'));
    // Each early sync's descriptor is closed once its sync has ended.
    await Promise.all(syncs.ended);
    // (its number may already serve another file: what is checked is that it no longer names this one)
    const names = (fd) => {
      try {
        return fs.readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return null;
      }
    };
    for (const early of syncs.fds) expect(names(early)).not.toBe(path.resolve(file.temp));
  });

  it('a file removed while its early sync runs: removed, no error, and the sync ends', async () => {
    let ended;
    let begun = 0;
    const done = new Promise((resolve) => (ended = resolve));
    fs.fdatasync = (fd, callback) => (begun++, realSync(fd, (error) => (callback(error), ended(error))));
    const file = new TempFile(path.join(dir, 'b.bin'), true);
    file.write([chunk(33 * MB, 7)]);
    expect(begun).toBe(1);
    file.remove();
    expect(existsSync(file.temp)).toBe(false);
    await done; // an error (EBADF) or none: either is ignored
  });
});
