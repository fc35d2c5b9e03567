// Packaging of the desktop app with electron-builder 26 (`npx electron-builder --config
// electron-builder.config.cjs`). The app is the esbuild output in dist/ — main, preload and engine
// process bundled with their npm dependencies, plus the built dashboard — so the package holds no
// TypeScript sources, no tests and no node_modules. Icons come from build/icon.svg
// (build/generate-icons.sh); the tray and window icons are copied next to the asar.
//
// Fuses (security-requirements EL-7): no ELECTRON_RUN_AS_NODE, no NODE_OPTIONS, no --inspect, the
// app only from its integrity-checked asar, encrypted cookies, no extra file:// privileges. This
// app holds a CA key: without these, any local process could run the signed binary as plain Node
// and inherit its Keychain/DPAPI identity. The engine's utilityProcess is unaffected by RunAsNode.

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'dev.portico.app',
  productName: 'Portico',
  copyright: 'Copyright © Portico contributors',
  directories: { output: 'release', buildResources: 'build' },
  // Source maps stay out (they would ship the sources and double the size); so does the CLI bundle
  // dist/portico.mjs, which imports its npm packages from a node_modules the package does not hold
  // and which the app never runs. test/integration/packaging/linux-dir.test.ts checks the result.
  files: ['dist/**/*', '!dist/**/*.map', '!dist/portico.mjs', 'package.json', '!**/node_modules/**/*'],
  // package.json has no "main": the CLI is its entry (bin); the packaged app starts the shell bundle.
  extraMetadata: { main: 'dist/shell/main.cjs' },
  extraResources: [{ from: 'build/runtime-icons', to: 'icons', filter: ['*.png'] }],
  asar: true,
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ['AppImage', 'deb', 'tar.gz'],
    icon: 'build/icons',
    category: 'Development',
    executableName: 'portico',
    synopsis: 'Trusted HTTPS for every localhost dev server',
    description: 'A local name-constrained CA and HTTPS reverse proxy that gives every localhost dev server a trusted https:// address.',
  },
  mac: {
    target: [{ target: 'dmg', arch: ['universal'] }],
    icon: 'build/icon.icns',
    category: 'public.app-category.developer-tools',
    hardenedRuntime: true,
  },
  win: {
    target: [{ target: 'nsis', arch: ['x64', 'arm64'] }],
    icon: 'build/icon.ico',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
  },
};
