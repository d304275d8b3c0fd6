import { describe, expect, it, vi } from 'vitest';
import { LogFollower, type FollowSettings } from '../../../../src-renderer/streams/log-follower.js';
import type { LogLine } from '../../../../src-renderer/streams/log-line.js';
import { fakeLogApi, pod, stamped } from './fake-log-api.js';

function follower(settings: FollowSettings = {}, refuse: Record<string, string> = {}) {
  const { api, requests } = fakeLogApi(refuse);
  const lines: LogLine[] = [];
  const f = new LogFollower({
    api,
    namespace: 'default',
    settings,
    onLines: (batch) => lines.push(...batch),
    retryDelayMs: 20,
  });
  const texts = () => lines.map((l) => (l.marker ? `— ${l.text}` : `${l.source}:${l.text}`));
  return { f, api, requests, lines, texts };
}

describe('LogFollower', () => {
  it('streams every app container of every pod, with the user window and timestamps', async () => {
    const { f, requests, lines, texts } = follower({ tailLines: 100, sinceSeconds: 300 });
    f.update([pod('web-1', ['app', 'proxy']), pod('web-2', ['app'])]);
    await vi.waitFor(() => expect(requests).toHaveLength(3));
    expect(requests.map((r) => `${r.pod}/${r.query.container}`)).toEqual([
      'web-1/app',
      'web-1/proxy',
      'web-2/app',
    ]);
    expect(requests[0]!.query).toMatchObject({
      follow: 'true',
      timestamps: 'true',
      tailLines: '100',
      sinceSeconds: '300',
    });
    requests[2]!.write(stamped(1, 'from web-2'));
    await vi.waitFor(() => expect(lines).toHaveLength(1));
    requests[0]!.write(stamped(2, 'from web-1'));
    await vi.waitFor(() => expect(texts()).toEqual(['2:from web-2', '0:from web-1']));
    expect(lines[0]!.time).toBe('2024-05-01T10:00:01.000000001Z');
    expect(f.sources.map((s) => [s.pod, s.container, s.state, s.lines])).toEqual([
      ['web-1', 'app', 'streaming', 1],
      ['web-1', 'proxy', 'streaming', 0],
      ['web-2', 'app', 'streaming', 1],
    ]);
    f.stop();
    expect(requests.every((r) => r.aborted)).toBe(true);
  });

  it('waits for a container to start, then reads it from its start (no tail for new lines)', async () => {
    const { f, requests } = follower({ tailLines: 10 });
    f.update([pod('web-1', ['app:waiting'])]);
    await Promise.resolve();
    expect(requests).toHaveLength(0);
    expect(f.sources[0]).toMatchObject({ state: 'waiting', reason: 'ContainerCreating' });
    f.update([pod('web-1', ['app:running'])]);
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.query.tailLines).toBeUndefined();
  });

  it('follows pods that appear (from their start) and ends pods that go away with a marker', async () => {
    const { f, requests, texts } = follower({ tailLines: 10 });
    f.update([pod('web-1', ['app'])]);
    f.update([pod('web-1', ['app']), pod('web-2', ['app'])]);
    await vi.waitFor(() => expect(requests).toHaveLength(2));
    expect(requests[0]!.query.tailLines).toBe('10');
    expect(requests[1]!.query.tailLines).toBeUndefined();
    f.update([pod('web-2', ['app'])]);
    expect(requests[0]!.aborted).toBe(true);
    expect(texts()).toEqual(['— pod web-1 is gone']);
    expect(f.sources[0]!.state).toBe('gone');
    // The same name again (a StatefulSet's replacement) is followed again.
    f.update([pod('web-1', ['app']), pod('web-2', ['app'])]);
    await vi.waitFor(() => expect(requests).toHaveLength(3));
    expect(texts()).toEqual(['— pod web-1 is gone', '— pod web-1 is back']);
  });

  it('marks a stream that ends, and follows the container again when it restarts', async () => {
    const { f, requests, texts } = follower({ tailLines: 10 });
    f.update([pod('web-1', ['app'])]);
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    requests[0]!.write(stamped(1, 'first run'));
    requests[0]!.end();
    await vi.waitFor(() => expect(f.sources[0]!.state).toBe('ended'));
    f.update([pod('web-1', ['app:running:1'])]);
    await vi.waitFor(() => expect(requests).toHaveLength(2));
    expect(requests[1]!.query.tailLines).toBeUndefined();
    requests[1]!.write(stamped(5, 'second run'));
    await vi.waitFor(() =>
      expect(texts()).toEqual([
        '0:first run',
        '— log stream ended (the container stopped)',
        '— container app restarted (restart 1)',
        '0:second run',
      ]),
    );
  });

  it('resumes a broken stream from its last line without repeating lines', async () => {
    const { f, requests, texts } = follower();
    f.update([pod('web-1', ['app'])]);
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    requests[0]!.write(stamped(1, 'one') + stamped(2, 'two'));
    await vi.waitFor(() => expect(texts()).toHaveLength(2));
    requests[0]!.fail();
    await vi.waitFor(() => expect(requests).toHaveLength(2));
    expect(requests[1]!.query.sinceTime).toBe('2024-05-01T10:00:02.000000Z');
    requests[1]!.write(stamped(2, 'two') + stamped(3, 'three'));
    await vi.waitFor(() =>
      expect(texts()).toEqual(['0:one', '0:two', '— log stream failed: network error', '0:three']),
    );
    f.stop();
  });

  it("shows the server's Status when a stream is refused", async () => {
    const { f, texts } = follower(
      { follow: false },
      { 'web-1': 'container "app" in pod "web-1" is waiting to start' },
    );
    f.update([pod('web-1', ['app'])]);
    await vi.waitFor(() => expect(f.sources[0]!.state).toBe('failed'));
    expect(f.sources[0]!.reason).toBe('container "app" in pod "web-1" is waiting to start');
    expect(texts()).toEqual(['— log stream failed: container "app" in pod "web-1" is waiting to start']);
  });

  it('reads one chosen container (init containers too), and the previous instance without following', async () => {
    const { f, requests } = follower({ container: 'setup', previous: true });
    f.update([pod('web-1', ['app'], ['setup:terminated'])]);
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.query).toMatchObject({ container: 'setup', previous: 'true' });
    expect(requests[0]!.query.follow).toBeUndefined();
  });
});

describe('LogFollower start', () => {
  it('applies the window to the first pods seen, even after an empty first update', async () => {
    const { f, requests } = follower({ tailLines: 10 });
    f.update([]);
    f.update([pod('web-1', ['app'])]);
    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(requests[0]!.query.tailLines).toBe('10');
    f.stop();
  });
});
