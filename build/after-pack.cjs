/* eslint-disable @typescript-eslint/no-require-imports -- electron-builder loads hooks with require() */
'use strict';
/**
 * electron-builder afterPack hook. Fails the build (by throwing) when:
 *  - a native module was not rebuilt for this Electron (npmRebuild runs
 *    @electron/rebuild before packing; a silent fallback to Node's binary
 *    would crash the terminal at start-up), or
 *  - the fuses cannot be set. Fuses: no ELECTRON_RUN_AS_NODE, no NODE_OPTIONS,
 *    no --inspect, the app only from its (integrity-checked) asar, cookies encrypted.
 */
const { join } = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options, getCurrentFuseWire } = require('@electron/fuses');
const { getAbi } = require('node-abi');
const { checkNativeModules } = require('./native-modules.cjs');

const FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.EnableCookieEncryption]: true,
  // The renderer is served from app://, so file:// needs no extra privileges.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

const ARCH = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

function paths(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const product = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') {
    const app = join(appOutDir, `${product}.app`);
    return { executable: app, resources: join(app, 'Contents', 'Resources') };
  }
  const executable = electronPlatformName === 'win32' ? join(appOutDir, `${product}.exe`) : join(appOutDir, packager.executableName);
  return { executable, resources: join(appOutDir, 'resources') };
}

exports.default = async function afterPack(context) {
  const { executable, resources } = paths(context);
  const electronVersion = context.packager.config.electronVersion;
  const abi = getAbi(electronVersion, 'electron');
  const arch = ARCH[context.arch] ?? String(context.arch);
  const problems = checkNativeModules(join(resources, 'app.asar.unpacked', 'node_modules'), abi, `${context.electronPlatformName}-${arch}`);
  if (problems.length > 0)
    throw new Error(`Native modules not built for Electron ${electronVersion} (ABI ${abi}):\n  ${problems.join('\n  ')}`);

  await flipFuses(executable, { ...FUSES, resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && arch === 'arm64' });
  const wire = await getCurrentFuseWire(executable);
  for (const [option, wanted] of Object.entries(FUSES)) {
    if (option === 'version') continue;
    const actual = wire[option];
    // FuseState: 0x30 '0' disabled, 0x31 '1' enabled.
    if (actual !== (wanted ? 0x31 : 0x30))
      throw new Error(`Fuse ${FuseV1Options[option]} is ${actual}, expected ${wanted ? 'on' : 'off'} in ${executable}`);
  }
  console.log(`afterPack: native modules built for ABI ${abi}; fuses set on ${executable}`);
};
exports.FUSES = FUSES;
