/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder loads hooks with require() */
'use strict';
/**
 * The native modules the app needs, and how to tell that a packed copy was
 * built for Electron: a V8-API module (better-sqlite3) exports
 * node_register_module_v<ABI>, so Node's copy (ABI 115 on Node 20) is told
 * from Electron's (150 for Electron 45). N-API modules (serialport's
 * bindings) are ABI-stable: their binary only has to be there for the
 * platform and architecture.
 */
const { existsSync, readFileSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const NATIVE_MODULES = [
  { name: 'better-sqlite3', kind: 'v8', files: ['build/Release/better_sqlite3.node'] },
  { name: '@serialport/bindings-cpp', kind: 'napi', files: ['build/Release/bindings.node', 'prebuilds'] },
];

/** 'ok', or why a binary is not right for this ABI. Pure over the binary's bytes. */
function checkBinary(bytes, kind, abi) {
  const text = bytes.toString('latin1');
  if (kind === 'napi') return text.includes('napi_register_module_v') ? 'ok' : 'not an N-API module';
  const found = /node_register_module_v(\d+)/.exec(text);
  if (!found) return 'no module registration symbol (not a Node addon?)';
  return found[1] === String(abi) ? 'ok' : `built for ABI ${found[1]}, Electron needs ${abi} (not rebuilt for Electron)`;
}

/** The .node files under a folder, recursively. */
function nodeFiles(dir) {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return dir.endsWith('.node') ? [dir] : [];
  return readdirSync(dir).flatMap((n) => nodeFiles(join(dir, n)));
}

/** Problems with the unpacked native modules under `unpackedNodeModules` (empty = fine). */
function checkNativeModules(unpackedNodeModules, abi, platformArch) {
  const problems = [];
  for (const mod of NATIVE_MODULES) {
    const root = join(unpackedNodeModules, mod.name);
    let files = mod.files.flatMap((f) => nodeFiles(join(root, f)));
    if (mod.kind === 'napi' && platformArch) {
      const built = files.filter((f) => f.includes(`${join('build', 'Release')}`));
      files = built.length > 0 ? built : files.filter((f) => f.includes(`${platformArch}`));
    }
    if (files.length === 0) {
      problems.push(`${mod.name}: no native binary unpacked in ${root}${platformArch ? ` for ${platformArch}` : ''}`);
      continue;
    }
    for (const file of files) {
      const verdict = checkBinary(readFileSync(file), mod.kind, abi);
      if (verdict !== 'ok') problems.push(`${mod.name}: ${file}: ${verdict}`);
    }
  }
  return problems;
}

module.exports = { NATIVE_MODULES, checkBinary, checkNativeModules };
