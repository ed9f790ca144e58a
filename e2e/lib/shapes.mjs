// Trace files of every shape (`gen-trace --shape …`), generated once per
// machine into the system's temporary folder and reused while the generator
// is unchanged (its source's hash is part of the folder's name).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from './viewer.mjs';

const GENERATOR = Buffer.concat(['shapes.rs', 'shapes_json.rs'].map((f) => fs.readFileSync(path.join(projectRoot, 'src/bin/support', f))));
const DIR = path.join(os.tmpdir(), `trace-viewer-shapes-${createHash('sha256').update(GENERATOR).digest('hex').slice(0, 12)}`);

let built = false;

/** Path of a file of `spans` spans of `shape` (extra gen-trace arguments in `args`). */
export function shapeFile(shape, spans, format = 'otlp', args = []) {
  const name = `${shape}-${spans}-${format}${args.join('').replace(/[^a-z0-9]/gi, '')}.json`;
  const file = path.join(DIR, name);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(DIR, { recursive: true });
  if (!built) {
    // The dev profile: the native tests have built the crate already.
    execFileSync('cargo', ['build', '--quiet', '--bin', 'gen-trace'], { cwd: projectRoot, stdio: 'inherit' });
    built = true;
  }
  const bin = path.join(projectRoot, 'target', 'debug', 'gen-trace');
  const tmp = `${file}.part`;
  execFileSync(bin, ['--spans', String(spans), '--shape', shape, '--format', format, ...args, '--out', tmp], {
    stdio: 'ignore',
  });
  fs.renameSync(tmp, file);
  return file;
}
