import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';

/**
 * electron-builder.yml, checked offline against electron-builder's own JSON
 * schema (app-builder-lib/scheme.json), plus what the fleet needs from it.
 * The parsers are electron-builder's own dependencies: js-yaml and ajv (v6, draft-07).
 */
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const Ajv = require('ajv') as new (options: object) => {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: { dataPath: string; message?: string }[] | null };
};
const native = require('../../../build/native-modules.cjs') as {
  checkBinary(bytes: Buffer, kind: 'v8' | 'napi', abi: number | string): string;
  checkNativeModules(dir: string, abi: number | string, platformArch?: string): string[];
};

interface BuilderConfig {
  electronVersion: string;
  artifactName: string;
  asarUnpack: string[];
  npmRebuild: boolean;
  afterPack: string;
  files: string[];
  extraMetadata: { main: string };
  linux: { target: { target: string }[] };
  win: { target: { target: string }[] };
  nsis: Record<string, unknown>;
}
const config = yaml.load(readFileSync(new URL('../../../electron-builder.yml', import.meta.url), 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  test('is valid against electron-builder’s schema', () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, schemaId: 'auto' }).compile(schema);
    const ok = validate(config);
    expect(validate.errors?.map((e) => `${e.dataPath} ${e.message}`) ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the schema check catches a misspelt option', () => {
    const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, schemaId: 'auto' }).compile(schema);
    expect(validate({ ...config, nsis: { ...config.nsis, perMachin: true } })).toBe(false);
  });

  test('targets, names, pinned Electron, native modules, fuses hook and shipped files', () => {
    const electronVersion = (require('electron/package.json') as { version: string }).version;
    expect(config.electronVersion).toBe(electronVersion);
    expect(config.linux.target.map((t: { target: string }) => t.target)).toEqual(['AppImage', 'deb']);
    expect(config.win.target.map((t: { target: string }) => t.target)).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false });
    expect(config.artifactName).toBe('${productName}-${version}-${arch}.${ext}');
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(true);
    expect(config.afterPack).toBe('build/after-pack.cjs');
    expect(config.extraMetadata.main).toBe('out/main/app/main.cjs');
    expect(config.files).toEqual(expect.arrayContaining(['out/**/*.cjs', 'dist/renderer/**', 'db/terminal/*.sql']));
  });

  test('the afterPack hook sets every fuse the checklist asks for', () => {
    const { FUSES } = require('../../../build/after-pack.cjs') as { FUSES: Record<string, unknown> };
    const { FuseV1Options } = require('@electron/fuses') as { FuseV1Options: Record<string, number> };
    expect(FUSES[FuseV1Options.RunAsNode!]).toBe(false);
    expect(FUSES[FuseV1Options.EnableNodeOptionsEnvironmentVariable!]).toBe(false);
    expect(FUSES[FuseV1Options.EnableNodeCliInspectArguments!]).toBe(false);
    expect(FUSES[FuseV1Options.EnableEmbeddedAsarIntegrityValidation!]).toBe(true);
    expect(FUSES[FuseV1Options.OnlyLoadAppFromAsar!]).toBe(true);
    expect(FUSES[FuseV1Options.EnableCookieEncryption!]).toBe(true);
  });
});

describe('native module check (afterPack fails the build on these)', () => {
  test('a binary built for Node is refused for Electron; the right ABI passes', () => {
    const nodeBuilt = readFileSync(require.resolve('better-sqlite3/build/Release/better_sqlite3.node'));
    expect(native.checkBinary(nodeBuilt, 'v8', process.versions.modules)).toBe('ok');
    expect(native.checkBinary(nodeBuilt, 'v8', 150)).toMatch(/built for ABI 115, Electron needs 150/);
    expect(native.checkBinary(Buffer.from('junk'), 'v8', 150)).toMatch(/no module registration/);
    expect(native.checkBinary(Buffer.from('x napi_register_module_v1 y'), 'napi', 150)).toBe('ok');
  });

  test('this machine’s node_modules (built for Node) would fail an Electron package', () => {
    const problems = native.checkNativeModules(new URL('../../../node_modules', import.meta.url).pathname, 150, 'linux-x64');
    expect(problems.some((p) => p.startsWith('better-sqlite3:') && p.includes('ABI 115'))).toBe(true);
    expect(problems.some((p) => p.startsWith('@serialport/bindings-cpp'))).toBe(false);
  });
});
