// How the browser benchmarks launch Debian's headless Chromium (never a downloaded one).
// ARGS disables the browser's own start-up work that is no part of any page: a fresh
// Chromium 156 preloads its omnibox popup (chrome://omnibox-popup.top-chrome, about
// 260 module requests and 0.5–1 s of renderer CPU) just as the benchmark page starts,
// on the same two cores as the engine being started; a user's browser did that long
// before. Measured with benches/browser/startup.mjs (variant ',webui' keeps it): see
// BENCHMARKS.md, "Start-up (fifth session)". Chromium 156.0.8078.108 (Debian, November
// 2026) preloads it under two more features, its "full" and "AI mode" popups: without
// them it still started a --top-chrome-webui renderer (≈ 0.35 s of CPU, some 500
// chrome://resources requests) in every fresh browser (twelfth session, "Start-up,
// robustly").
export const BASE_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
  '--disable-background-networking', '--disable-component-update', '--no-first-run'];
export const DISABLED_FEATURES = ['WebUIOmniboxPopup', 'PreloadTopChromeWebUI', 'WebUIOmniboxFullPopup', 'WebUIOmniboxAimPopup'];
export const ARGS = [...BASE_ARGS, `--disable-features=${DISABLED_FEATURES.join(',')}`];
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Rebuilds www/dist/ and starts scripts/serve.mjs (the repository's static server) on a free port:
 * {server (the child process: kill it when done), url (its root, ending in /)}.
 */
export async function serve(root, extra = []) {
  const { spawn } = await import('node:child_process');
  const { resolve } = await import('node:path');
  const { pathToFileURL } = await import('node:url');
  // The page's bundles (www/dist/, scripts/bundle.mjs) from the sources as they are now:
  // NO_BUILD=1 skips scripts/build-wasm, and a stale bundle would be measured instead.
  if (!extra.includes('--root')) await (await import(pathToFileURL(resolve(root, 'scripts/bundle.mjs')).href)).build();
  const server = spawn('node', [resolve(root, 'scripts/serve.mjs'), '--port', '0', ...extra], { cwd: root });
  const url = await new Promise((ok, fail) => {
    server.stdout.on('data', (d) => {
      const m = String(d).match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) ok(m[0]);
    });
    server.on('exit', (c) => fail(new Error(`server exited ${c}`)));
  });
  return { server, url };
}
