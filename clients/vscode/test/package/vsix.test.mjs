// Checks the packaged extension (SSOT_VSIX): it carries ssot-lsp and every pinned library of
// requirements.txt in bundled/libs, no bytecode, the icon and the changelog, stays under
// 10 MB, and its bundled server loads on each Python >= 3.9 found on this machine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const clientDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const repoDir = resolve(clientDir, '..', '..');
const vsix = process.env.SSOT_VSIX;
const MAX_BYTES = 10 * 1024 * 1024;

/** The names in a zip archive's central directory. */
function zipEntries(file) {
  const data = readFileSync(file);
  let end = data.length - 22;
  while (end >= 0 && data.readUInt32LE(end) !== 0x06054b50) {
    end--;
  }
  assert.ok(end >= 0, `${file} is not a zip archive`);
  const count = data.readUInt16LE(end + 10);
  let offset = data.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    assert.equal(data.readUInt32LE(offset), 0x02014b50, 'corrupt central directory');
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    names.push(data.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** name==version pins of requirements.txt. */
function pins() {
  return [...readFileSync(join(clientDir, 'requirements.txt'), 'utf8').matchAll(/^([A-Za-z0-9_.-]+)==(\S+)/gm)].map(
    (m) => ({ name: m[1].toLowerCase().replace(/[-.]+/g, '_'), version: m[2] }),
  );
}

test('the .vsix carries the bundled server and its pinned libraries, and nothing compiled', () => {
  assert.ok(vsix, 'set SSOT_VSIX to the packaged extension');
  const names = zipEntries(vsix);
  const libs = 'extension/bundled/libs/';
  for (const file of ['ssot_lsp/__main__.py', 'ssot_lsp/lsp/server.py', 'ssot_lsp/presets/django-4.toml', 'pygls/__init__.py', 'jedi/__init__.py']) {
    assert.ok(names.includes(libs + file), `${libs + file} is missing`);
  }
  const manifest = JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8'));
  const distInfos = new Set(names.filter((n) => n.startsWith(libs)).map((n) => n.slice(libs.length).split('/')[0]));
  assert.ok(distInfos.has(`ssot_lsp-${manifest.version}.dist-info`), 'ssot-lsp of the same version as the extension');
  for (const { name, version } of pins()) {
    assert.ok(distInfos.has(`${name}-${version}.dist-info`), `${name} ${version} from requirements.txt is missing`);
  }
  const compiled = names.filter((n) => /__pycache__|\.pyc$/.test(n));
  assert.deepEqual(compiled, [], 'no bytecode in the .vsix');
  // vsce stores the changelog and licence as changelog.md and LICENSE.txt.
  for (const file of ['extension/images/icon.png', 'extension/changelog.md', 'extension/dist/extension.js', 'extension/LICENSE.txt']) {
    assert.ok(names.includes(file), `${file} is missing`);
  }
});

test('the .vsix stays under 10 MB', () => {
  const size = statSync(vsix).size;
  process.stdout.write(`# vsix: ${(size / 1024 / 1024).toFixed(2)} MB\n`);
  assert.ok(size < MAX_BYTES, `${size} bytes`);
});

test('the manifest names the icon and the same repository as the Python package', () => {
  const manifest = JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8'));
  assert.equal(manifest.icon, 'images/icon.png');
  const png = readFileSync(join(clientDir, manifest.icon));
  assert.equal(png.toString('latin1', 1, 4), 'PNG');
  assert.ok(png.readUInt32BE(16) >= 128 && png.readUInt32BE(20) >= 128, 'the marketplace wants 128x128 or more');
  const source = /^Source = "([^"]+)"$/m.exec(readFileSync(join(repoDir, 'pyproject.toml'), 'utf8'))?.[1];
  assert.ok(source, 'pyproject.toml has no [project.urls] Source');
  assert.equal(manifest.repository.url.replace(/\.git$/, ''), source);
});

test('the bundled server loads on every Python >= 3.9 found here, with nothing installed', () => {
  const libs = join(clientDir, 'bundled', 'libs');
  const loaded = [];
  for (const name of ['python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14', 'python3']) {
    // -s: no user site-packages; PYTHONPATH holds nothing but the bundle.
    const result = spawnSync(name, ['-s', '-c', 'import sys, ssot_lsp.lsp.server, jedi; print("%d.%d" % sys.version_info[:2])'], {
      env: { ...process.env, PYTHONPATH: libs },
      encoding: 'utf8',
    });
    if (result.status === 0) {
      loaded.push(result.stdout.trim());
    } else if (!/No such file|ENOENT|not found|version .* is not installed|python versions/i.test(`${result.error ?? ''}${result.stderr}`)) {
      assert.fail(`${name}: ${result.stderr}`);
    }
  }
  process.stdout.write(`# bundled server loads on Python ${[...new Set(loaded)].join(', ')}\n`);
  assert.ok(loaded.length > 0, 'no Python found');
});
