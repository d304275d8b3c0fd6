/**
 * The `ui` suite's in-page instruments, installed in the dashboard with `page.addInitScript` so
 * they run before the app on every load: timings are taken inside the page (performance.now,
 * MutationObserver, requestAnimationFrame), never across Playwright's round trip.
 *
 * Kept as JavaScript source in a string on purpose: a function passed to `page.evaluate` is
 * serialised from this process, where tsx compiles with esbuild's `keepNames`, which wraps
 * nested functions in a `__name` helper the page does not have.
 *
 * `window.__uiBench`:
 *  - `firstRow`: `{ at, frameAt }` once a Pods-table row naming a bench pod is in the DOM
 *    (performance.now(), so from the navigation's start on a fresh load), and the next frame;
 *  - `openPods(href)`: click the navigation's link to `href` (or set the hash) and resolve with
 *    the ms until such a row is in the DOM, and until the next frame;
 *  - `rowCount()`: the table's rows (its `aria-rowcount` minus the header);
 *  - `visibleNames()`: names of the rows inside the table's viewport;
 *  - `startStatusWatch()` / `stopStatusWatch()`: record, for every change of a shown row's
 *    STATUS to `Bench-<seq>`, `[name, seq, Date.now()]` (a MutationObserver callback runs right
 *    after the DOM changed, before paint), and `[seq, Date.now()]` when each change arrived on
 *    the page's watch WebSocket (the page's `WebSocket` is wrapped for that);
 *  - `scroll(ms, px)`: move the table down `px` each animation frame for `ms`, wrapping at the
 *    end; resolves with the frame timestamps.
 */
export const PAGE_PROBE = String.raw`
(() => {
  const TABLE = '[data-test=resource-table]';
  const bench = { firstRow: undefined, arrivals: [] };
  window.__uiBench = bench;

  // When each Bench-<seq> change reached the page on the gateway's watch WebSocket: a listener
  // added in the constructor runs before the app's onmessage handler, so this is the arrival time.
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (!bench.recordArrivals || typeof event.data !== 'string') return;
        const now = Date.now();
        for (const match of event.data.matchAll(/Bench-(\d+)/g)) bench.arrivals.push([Number(match[1]), now]);
      });
    }
  };

  const benchRow = () => {
    for (const cell of document.querySelectorAll(TABLE + ' .row .td.name')) {
      if (/^pod-\d+$/.test(cell.textContent.trim())) return true;
    }
    return false;
  };
  const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));

  /** Resolve with performance.now() when a bench row is in the DOM. */
  const whenRow = () =>
    new Promise((resolve) => {
      if (benchRow()) return resolve(performance.now());
      const observer = new MutationObserver(() => {
        if (!benchRow()) return;
        observer.disconnect();
        resolve(performance.now());
      });
      observer.observe(document, { childList: true, subtree: true, characterData: true });
    });

  // A fresh load of the Pods view: time from the navigation's start.
  if (location.hash.includes('/r/core/v1/pods')) whenRow().then(async (at) => {
    bench.firstRow = { at, frameAt: await nextFrame() };
  });

  bench.openPods = async (href) => {
    const link = document.querySelector('a[href="' + href + '"]');
    const start = performance.now();
    if (link) link.click();
    else location.hash = href;
    const at = await whenRow();
    const frameAt = await nextFrame();
    return { ms: at - start, frameMs: frameAt - start, viaLink: !!link };
  };

  bench.rowCount = () => {
    const table = document.querySelector(TABLE);
    return table ? Number(table.getAttribute('aria-rowcount')) - 1 : 0;
  };

  const statusColumn = () => {
    const headers = [...document.querySelectorAll(TABLE + ' .header > [role=columnheader]')];
    return headers.findIndex((h) => h.textContent.trim().startsWith('STATUS'));
  };

  bench.visibleNames = () => {
    const table = document.querySelector(TABLE);
    const view = table.getBoundingClientRect();
    const names = [];
    for (const row of table.querySelectorAll('.row')) {
      const box = row.getBoundingClientRect();
      if (box.top >= view.top + 30 && box.bottom <= view.bottom) {
        names.push(row.querySelector('.td.name').textContent.trim());
      }
    }
    return names;
  };

  let statusObserver;
  let seen;
  bench.startStatusWatch = () => {
    const table = document.querySelector(TABLE);
    const column = statusColumn();
    const last = new Map();
    seen = [];
    bench.arrivals = [];
    bench.recordArrivals = true;
    const read = () => {
      const now = Date.now();
      for (const row of table.querySelectorAll('.row')) {
        const match = /^Bench-(\d+)$/.exec(row.children[column].textContent.trim());
        if (!match) continue;
        const name = row.querySelector('.td.name').textContent.trim();
        const seq = Number(match[1]);
        if (last.get(name) === seq) continue;
        last.set(name, seq);
        seen.push([name, seq, now]);
      }
    };
    statusObserver = new MutationObserver(read);
    statusObserver.observe(table, { childList: true, subtree: true, characterData: true });
    return column;
  };
  bench.stopStatusWatch = () => {
    statusObserver.disconnect();
    bench.recordArrivals = false;
    return { seen, arrivals: bench.arrivals };
  };

  bench.scroll = (ms, px) =>
    new Promise((resolve) => {
      const table = document.querySelector(TABLE);
      // Layout is read once: reading it in the loop would force a layout inside each frame's
      // callback, charging the frame twice.
      const max = table.scrollHeight - table.clientHeight;
      let position = 0;
      table.scrollTop = 0;
      const frames = [];
      const step = (t) => {
        frames.push(t);
        if (t - frames[0] >= ms) return resolve(frames);
        position = position + px >= max ? 0 : position + px;
        table.scrollTop = position;
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
})();
`;
