// Runs a self-contained TypeScript script (erasable syntax only) on any Node: directly where
// Node strips types itself (22.6+), otherwise after stripping them with the project's
// TypeScript compiler. Used by `npm run gen` / `gen:check`, so they work whatever Node is first
// on PATH.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [script, ...args] = process.argv.slice(2);
if (!script) {
  console.error('usage: node scripts/run-ts.mjs SCRIPT.ts [args...]');
  process.exit(2);
}
const path = resolve(script);
process.argv = [process.argv[0], path, ...args];

if (process.features?.typescript) {
  await import(pathToFileURL(path).href);
} else {
  const { default: ts } = await import('typescript');
  const source = readFileSync(path, 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    fileName: path,
  });
  // Keep the script's own location for import.meta.url (it resolves the repository from it).
  const dir = mkdtempSync(join(tmpdir(), 'kstream-run-ts-'));
  const out = join(dir, 'script.mjs');
  writeFileSync(out, outputText.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)));
  try {
    await import(pathToFileURL(out).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
