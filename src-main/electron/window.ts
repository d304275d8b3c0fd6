import { BrowserWindow } from 'electron';

/**
 * The main window. Every `webPreferences` flag of Electron's security checklist
 * (https://www.electronjs.org/docs/latest/tutorial/security) is set explicitly, even where it is
 * the default, so that a reader (and electronegativity, which reads this object literal) sees it
 * and a change of default cannot weaken it: the page runs sandboxed, isolated from the preload,
 * without Node, with the same-origin policy, never loads http content into a https page, and
 * middle-click cannot open a link in a new window.
 */
export function createMainWindow(preloadPath: string): BrowserWindow {
  return new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Kubedesk',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
}
