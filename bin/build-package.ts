/**
 * Builds the npm package into `dist/` (run by `npm pack` through `prepack`, and by `prepare` when npm installs
 * the package from git):
 *
 * - `index.mjs` and `index.cjs`: `lib/index.ts` compiled for ESM and CommonJS apps, with aws-cdk-lib and
 *   constructs left to the app (they are peer dependencies: one copy of each in an app);
 * - `types/esm/`, `types/cjs/`: the declarations, once for each (TypeScript reads a `.d.ts` as the module kind
 *   of its folder);
 * - `lambda-assets/<entry>/`: each Lambda entry bundled as `cdk synth` bundles it here (lib/service-function.ts's
 *   BUNDLING), so an app that installs the package needs neither esbuild nor this repository at synth.
 *
 * `--prepare` is for npm's `prepare`, which runs on `npm install` and `npm ci` in this repository as well as in
 * the clone npm makes to install the package from git. Only that clone needs the package (`npm pack` builds it
 * afresh through `prepack`), so it builds only when `dist/` has no build yet, and never for `npm ci` (how CI and
 * fresh checkouts install; a git install runs `npm install` in its clone).
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { BUNDLING, ENTRIES, type EntryName, PREBUNDLED_DIRECTORY } from '../lib/service-function.js';
import { buildConsole } from './build-console.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const DIST = join(ROOT, 'dist');

/** Packages the app brings: bundling a copy would give the app two construct trees that do not know each other. */
const PEER_PACKAGES = ['aws-cdk-lib', 'constructs'];

/**
 * lib/ takes a few constants (metric names) from runtime modules that also import Powertools, whose modules
 * change `process.env` and `globalThis` when loaded. Nothing of Powertools is used at synth: marked free of side
 * effects, it drops out of the library instead of running in the app.
 */
const dropUnusedPowertools: Plugin = {
  name: 'drop-unused-powertools',
  setup(plugin) {
    plugin.onResolve({ filter: /^@aws-lambda-powertools\// }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      const { path, errors } = await plugin.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      return errors.length > 0 ? { errors } : { path, sideEffects: false };
    });
  },
};

/** The construct library for one module kind. */
function libraryBuild(format: 'esm' | 'cjs'): BuildOptions {
  return {
    entryPoints: [join(ROOT, 'lib/index.ts')],
    outfile: join(DIST, format === 'esm' ? 'index.mjs' : 'index.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format,
    external: PEER_PACKAGES.flatMap((name) => [name, `${name}/*`]),
    plugins: [dropUnusedPowertools],
    // lib/ finds its bundles through import.meta.url, which CommonJS spells __filename.
    ...(format === 'cjs'
      ? {
          define: { 'import.meta.url': '__importMetaUrl' },
          banner: {
            js: "'use strict';\nconst __importMetaUrl = require('node:url').pathToFileURL(__filename).href;",
          },
        }
      : {}),
    legalComments: 'none',
    logLevel: 'warning',
  };
}

/** One Lambda entry, as NodejsFunction bundles it from the same settings. */
function functionBuild(entry: EntryName): BuildOptions {
  return {
    entryPoints: [join(ROOT, ENTRIES[entry])],
    outfile: join(DIST, PREBUNDLED_DIRECTORY, entry, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: BUNDLING.format,
    target: BUNDLING.target,
    external: BUNDLING.external,
    mainFields: [...BUNDLING.mainFields],
    banner: { js: BUNDLING.banner },
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourcemap,
    sourcesContent: BUNDLING.sourcesContent,
    logLevel: 'warning',
  };
}

/** The declarations, emitted by tsc from lib/index.ts (tsconfig.package.json), copied for CommonJS. */
async function buildDeclarations(): Promise<void> {
  await promisify(execFile)(
    join(ROOT, 'node_modules/.bin/tsc'),
    ['-p', join(ROOT, 'tsconfig.package.json')],
    {
      cwd: ROOT,
    },
  ).catch((error: { stdout?: string; message: string }) => {
    // tsc reports its errors on stdout.
    throw new Error(`tsc: ${error.stdout || error.message}`);
  });
  await cp(join(DIST, 'types/esm'), join(DIST, 'types/cjs'), { recursive: true });
  await writeFile(join(DIST, 'types/cjs/package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
}

async function hasBuild(): Promise<boolean> {
  return stat(join(DIST, 'index.mjs')).then(
    () => true,
    () => false,
  );
}

export async function buildPackage(): Promise<void> {
  // The request function serves the console from a generated module: build it from the current source first.
  await buildConsole();
  await rm(DIST, { recursive: true, force: true });
  await mkdir(DIST, { recursive: true });
  const entries = Object.keys(ENTRIES) as EntryName[];
  await Promise.all([
    build(libraryBuild('esm')),
    build(libraryBuild('cjs')),
    ...entries.map((entry) => build(functionBuild(entry))),
    buildDeclarations(),
  ]);
}

async function sizeOf(directory: string): Promise<number> {
  let bytes = 0;
  for (const name of await readdir(directory, { recursive: true })) {
    const info = await stat(join(directory, name));
    if (info.isFile()) bytes += info.size;
  }
  return bytes;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    if (process.argv.includes('--prepare') && process.env.npm_command === 'ci') {
      console.log('package: not built for npm ci (npm pack builds it)');
    } else if (process.argv.includes('--prepare') && (await hasBuild())) {
      console.log('package: dist/ is built already (npm pack rebuilds it)');
    } else {
      const startedMs = Date.now();
      await buildPackage();
      const kib = Math.round((await sizeOf(DIST)) / 1024);
      console.log(`package: built dist/ (${kib} KiB) in ${((Date.now() - startedMs) / 1000).toFixed(1)} s`);
    }
  } catch (error) {
    console.error('package: the build failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
