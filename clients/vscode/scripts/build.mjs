// Builds the extension bundle (dist/extension.js) or, with --tests, the unit tests
// (out/test/*.test.js), which run under plain Node with `node --test`. --production (run by
// `vsce package`) also requires the bundled server (scripts/bundle.py) and copies the
// repository's CHANGELOG.md beside package.json, where the .vsix takes it from.
import { build } from 'esbuild';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const production = args.has('--production');

if (args.has('--tests')) {
  const tests = readdirSync(join(root, 'test'))
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => join(root, 'test', name));
  await build({
    entryPoints: tests,
    outdir: join(root, 'out', 'test'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    // The pure modules under test must not need VS Code; a stray import fails the build.
    external: [],
    logLevel: 'warning',
  });
} else {
  if (production) {
    if (!existsSync(join(root, 'bundled', 'libs', 'ssot_lsp', '__main__.py'))) {
      console.error('bundled/libs has no ssot_lsp: run `python3 scripts/bundle.py` (npm run bundle) first');
      process.exit(1);
    }
    copyFileSync(join(root, '..', '..', 'CHANGELOG.md'), join(root, 'CHANGELOG.md'));
  }
  await build({
    entryPoints: [join(root, 'src', 'extension.ts')],
    outfile: join(root, 'dist', 'extension.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
    minify: production,
    sourcemap: production ? false : 'linked',
    logLevel: 'warning',
  });
}
