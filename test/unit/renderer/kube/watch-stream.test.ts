import { describe, expect, it } from 'vitest';
import {
  KubeApi,
  openWatch,
  StatusError,
  type KubeObject,
  type WatchEvent,
} from '../../../../src-renderer/kube/index.js';
import { status } from './fake-kube.js';

const configmaps = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' };

/** An API whose watch answers with `chunks`, split exactly as given. */
function apiStreaming(chunks: Uint8Array[], seen: URL[] = []) {
  const fetchImpl = (async (input: string | URL | Request) => {
    seen.push(new URL(String(input)));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    return new Response(body, { status: 200 });
  }) as typeof fetch;
  return new KubeApi({ baseUrl: 'https://kube.test', fetch: fetchImpl });
}

describe('openWatch', () => {
  it('parses events split anywhere across chunks, multi-byte characters included', async () => {
    const text = [
      { type: 'ADDED', object: { metadata: { name: 'café', resourceVersion: '5' } } },
      { type: 'BOOKMARK', object: { metadata: { resourceVersion: '6' } } },
      { type: 'DELETED', object: { metadata: { name: 'b', resourceVersion: '7' } } },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const bytes = new TextEncoder().encode(text); // no final newline: the last event ends with the stream
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    const chunks = [
      bytes.slice(0, 7),
      bytes.slice(7, cut),
      bytes.slice(cut, cut + 40),
      bytes.slice(cut + 40),
    ];
    const seen: URL[] = [];
    const events: WatchEvent[] = [];
    for await (const event of await openWatch(apiStreaming(chunks, seen), configmaps, {
      resourceVersion: '4',
      namespace: 'default',
      timeoutSeconds: 300,
      table: true,
    })) {
      events.push(event);
    }
    expect(events.map((e) => [e.type, (e.object as KubeObject).metadata.resourceVersion])).toEqual([
      ['ADDED', '5'],
      ['BOOKMARK', '6'],
      ['DELETED', '7'],
    ]);
    expect((events[0]!.object as { metadata: { name: string } }).metadata.name).toBe('café');
    expect(Object.fromEntries(seen[0]!.searchParams)).toEqual({
      watch: '1',
      resourceVersion: '4',
      allowWatchBookmarks: 'true',
      timeoutSeconds: '300',
      includeObject: 'Metadata',
    });
  });

  it('rejects with the StatusError of a refused watch', async () => {
    const api = new KubeApi({
      baseUrl: 'https://kube.test',
      fetch: (async () => status(410, 'Expired', 'too old resource version: 4 (90)')) as typeof fetch,
    });
    const error = await openWatch(api, configmaps, { resourceVersion: '4' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).isExpired).toBe(true);
  });
});
