/** One GET from the bench process (new connection, optional Host header): the answer's body, or why not. */
import { request } from 'node:http';

export function getBody(url: string, host?: string, timeoutMs = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: host ? { host } : {}, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`HTTP ${res.statusCode}: ${body.trim()}`)),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Poll `url` until it answers 200 with a body containing `expect`; the last error after `timeoutMs`. */
export async function waitForAnswer(
  url: string,
  expect: string,
  host?: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    let problem: string;
    try {
      const body = await getBody(url, host);
      if (body.includes(expect)) return;
      problem = `answered ${JSON.stringify(body.trim())}`;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    if (performance.now() > deadline) throw new Error(`${url}${host ? ` (Host ${host})` : ''}: ${problem}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
