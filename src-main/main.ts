/**
 * The Electron main process. It only wires things together: the embedded cluster runs in a
 * utility process under a {@link ClusterSupervisor}, the gateway (127.0.0.1, per-launch token)
 * serves the dashboard and forwards its cluster traffic, and the one window loads the gateway's
 * launch URL. The bridge is served over IPC; the page's CSP comes from the gateway's headers.
 * Quitting stops the cluster gracefully first.
 */
import { app, BrowserWindow, dialog, ipcMain, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAppService } from './app/app-service.js';
import { SettingsStore } from './app/settings-store.js';
import { defaultDataDir } from './cluster-host/data-dir.js';
import { ClusterSupervisor } from './cluster-host/supervisor.js';
import { fileDialogs } from './electron/file-dialogs.js';
import { serveBridge } from './electron/ipc-bridge.js';
import { utilityProcessStrategy } from './electron/utility-process-spawn.js';
import { denyPermissions, guardNavigation, originOf } from './electron/web-guards.js';
import { createMainWindow } from './electron/window.js';
import { kubeconfigDirectory } from './gateway/cluster-directory.js';
import { startGateway } from './gateway/gateway.js';
import { PortForwards } from './port-forward/index.js';
import type { KubedeskBridge } from './shared/bridge.js';

/** What runs once the app is ready, and what quitting must stop. */
interface Running {
  supervisor: ClusterSupervisor;
  portForwards: PortForwards;
  gateway: Awaited<ReturnType<typeof startGateway>>;
  origin: string;
}

let running: Running | undefined;
let window: BrowserWindow | undefined;

// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

/**
 * The `kubedesk` CLI the utility process runs: bin/kubedesk.mjs from a checkout (it rebuilds a
 * stale bundle), else the bundle itself (a packaged app ships out/ only).
 */
function clusterCli(): string {
  const root = app.getAppPath();
  const bin = join(root, 'bin', 'kubedesk.mjs');
  return existsSync(bin) ? bin : join(root, 'out', 'cli', 'kubedesk.mjs');
}

async function start(): Promise<Running> {
  const dataDir = defaultDataDir({ platform: process.platform, env: process.env, home: app.getPath('home') });
  const supervisor = new ClusterSupervisor({
    dataDir,
    runtime: 'docker',
    spawn: utilityProcessStrategy(clusterCli()),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const directory = kubeconfigDirectory({ embedded: () => supervisor.endpoint() });
  let gatewayUrl = '';
  const portForwards = new PortForwards({ directory });
  const bridge: KubedeskBridge = {
    ...createAppService({
      mode: 'electron',
      version: app.getVersion(),
      gatewayUrl: () => gatewayUrl,
      directory,
      embedded: supervisor,
      settings: new SettingsStore(join(dataDir, 'settings.json')),
      portForwards,
      onError: (error) => console.error('kubedesk:', error),
    }),
    ...fileDialogs(dialog, () => window),
  };
  const gateway = await startGateway({
    directory,
    bridge,
    staticDir: join(app.getAppPath(), 'out', 'renderer'),
    host: '127.0.0.1',
    port: 0,
  });
  gatewayUrl = gateway.url;
  const origin = originOf(gateway.url)!;
  serveBridge(ipcMain, bridge, () => origin);
  await supervisor.start();
  return { supervisor, portForwards, gateway, origin };
}

function createWindow(launchUrl: string): BrowserWindow {
  const created = createMainWindow(fileURLToPath(new URL('../preload/preload.cjs', import.meta.url)));
  created.once('ready-to-show', () => created.show());
  created.on('closed', () => {
    if (window === created) window = undefined;
  });
  void created.loadURL(launchUrl);
  return created;
}

/** Stop the gateway and the cluster (SIGTERM, SIGKILL after 15 s), once. */
let stopping: Promise<void> | undefined;
function stop(): Promise<void> {
  stopping ??= (async () => {
    if (!running) return;
    await running.portForwards.stopAll();
    await running.gateway
      .close()
      .catch((error: unknown) => console.error('kubedesk: closing the gateway:', error));
    await running.supervisor.stop();
  })();
  return stopping;
}

// Every web contents, including any a bug might create: no navigation away from the gateway,
// no new windows, no webviews. The origin is known once the gateway listens; until then, none.
app.on('web-contents-created', (_event, contents) => {
  guardNavigation(contents, running?.origin ?? 'about:none', (url) => void shell.openExternal(url));
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

// Quit waits for the cluster to stop cleanly (the kubelet stops pods gracefully); a second
// quit while it does goes through at once.
let stopped = false;
app.on('before-quit', (event) => {
  if (stopped || stopping) return;
  event.preventDefault();
  void stop().finally(() => {
    stopped = true;
    app.quit();
  });
});

if (!app.requestSingleInstanceLock()) {
  // Another Kubedesk owns the data directory: show its window instead.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  void app.whenReady().then(async () => {
    denyPermissions(session.defaultSession);
    try {
      running = await start();
    } catch (error) {
      dialog.showErrorBox('Kubedesk cannot start', error instanceof Error ? error.message : String(error));
      app.quit();
      return;
    }
    window = createWindow(running.gateway.launchUrl);
    app.on('activate', () => {
      if (running && BrowserWindow.getAllWindows().length === 0)
        window = createWindow(running.gateway.launchUrl);
    });
  });
}
