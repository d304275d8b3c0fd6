import { describe, expect, it } from 'vitest';
import {
  ExecSession,
  execUrl,
  shellCommand,
  splitCommandLine,
  toWebSocketUrl,
  type WebSocketLike,
} from '../../../../src-renderer/streams/exec-session.js';

/** A WebSocket the test drives: it records what is sent and plays the server's part. */
class FakeSocket implements WebSocketLike {
  binaryType = 'blob';
  protocol = '';
  readyState = 0;
  sent: Uint8Array[] = [];
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  send(data: Uint8Array): void {
    this.sent.push(data);
  }
  close(code = 1000): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
  open(protocol: string): void {
    this.protocol = protocol;
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(channel: number, data: string): void {
    const bytes = new TextEncoder().encode(data);
    const frame = new Uint8Array(bytes.length + 1);
    frame[0] = channel;
    frame.set(bytes, 1);
    this.onmessage?.({ data: frame.buffer });
  }
}

function session() {
  let socket!: FakeSocket;
  const output: string[] = [];
  const exits: unknown[] = [];
  const s = new ExecSession({
    url: 'ws://gw/clusters/embedded/api/v1/namespaces/default/pods/web/exec?command=sh',
    createSocket: (url, protocols) => (socket = new FakeSocket(url, protocols)),
    onOutput: (data, channel) => output.push(`${channel}:${new TextDecoder().decode(data)}`),
    onExit: (exit) => exits.push(exit),
  });
  return { s, socket, output, exits };
}

const decoded = (frame: Uint8Array) => [frame[0], new TextDecoder().decode(frame.subarray(1))];

describe('ExecSession', () => {
  it('offers v5 then v4, sends the size once open, passes stdin and output', () => {
    const { s, socket, output } = session();
    expect(socket.protocols).toEqual(['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    expect(socket.binaryType).toBe('arraybuffer');
    s.resize(80, 24);
    s.write('echo hi\r');
    expect(socket.sent).toEqual([]);
    socket.open('v5.channel.k8s.io');
    expect(decoded(socket.sent[0]!)).toEqual([4, '{"Width":80,"Height":24}']);
    s.write('echo hi\r');
    expect(decoded(socket.sent[1]!)).toEqual([0, 'echo hi\r']);
    s.resize(80, 24); // unchanged: not sent again
    s.resize(100, 30);
    expect(socket.sent).toHaveLength(3);
    socket.receive(1, 'hi\r\n');
    socket.receive(2, 'oops');
    expect(output).toEqual(['1:hi\r\n', '2:oops']);
    s.endInput();
    expect([...socket.sent[3]!]).toEqual([255, 0]);
  });

  it('reports the exit code from the Status on channel 3 when the socket closes', () => {
    const { socket, exits } = session();
    socket.open('v4.channel.k8s.io');
    socket.receive(
      3,
      JSON.stringify({
        status: 'Failure',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '3' }] },
      }),
    );
    socket.close(1000);
    expect(exits).toEqual([
      { status: 'Failure', code: 3, message: undefined, reason: 'NonZeroExitCode', opened: true },
    ]);
  });

  it('v4 has no close signal; a socket that never opened says so, once', () => {
    const { s, socket, exits } = session();
    s.endInput();
    expect(socket.sent).toEqual([]);
    socket.close(1006);
    socket.close(1006);
    expect(exits).toEqual([
      { status: 'Failure', message: 'the connection could not be opened', opened: false },
    ]);
  });
});

describe('exec URLs and commands', () => {
  it('builds the exec URL with repeated command parameters; a TTY merges stderr', () => {
    const url = new URL(
      execUrl('ws://127.0.0.1:4000/clusters/context%3Akind', {
        namespace: 'default',
        pod: 'web',
        container: 'app',
        command: ['sh', '-c', 'echo a b'],
      }),
    );
    expect(url.pathname).toBe('/clusters/context%3Akind/api/v1/namespaces/default/pods/web/exec');
    expect(url.searchParams.getAll('command')).toEqual(['sh', '-c', 'echo a b']);
    expect(Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'command'))).toEqual({
      container: 'app',
      stdin: 'true',
      stdout: 'true',
      stderr: 'false',
      tty: 'true',
    });
  });

  it('turns the gateway root into a WebSocket URL, relative ones against the page', () => {
    expect(toWebSocketUrl('http://127.0.0.1:4000/clusters/embedded')).toBe(
      'ws://127.0.0.1:4000/clusters/embedded',
    );
    expect(toWebSocketUrl('/clusters/embedded', 'https://127.0.0.1:4000/#/c/embedded')).toBe(
      'wss://127.0.0.1:4000/clusters/embedded',
    );
  });

  it('picks bash where there is one, else sh; splits custom commands with quotes', () => {
    expect(shellCommand('auto')).toEqual([
      'sh',
      '-c',
      'command -v bash >/dev/null 2>&1 && exec bash || exec sh',
    ]);
    expect(shellCommand('bash')).toEqual(['bash']);
    expect(shellCommand('custom', `python3 -c "print('hi there')"`)).toEqual([
      'python3',
      '-c',
      "print('hi there')",
    ]);
    expect(splitCommandLine(`  a 'b c'  d `)).toEqual(['a', 'b c', 'd']);
  });
});
