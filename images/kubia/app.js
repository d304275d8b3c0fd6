/* eslint-disable @typescript-eslint/no-require-imports -- the book's app as it was: CommonJS (no package.json beside it in the image) */
// A stand-in for the book's luksa/kubia images (Kubernetes in Action, chapters 2, 4, 5 and 9),
// answering as they do on port 8080: v1 "You've hit <pod>", v2 "This is v2 running in pod <pod>",
// v3 like v2 but failing with 500 from the fifth request on (the book's broken rollout), and
// kubia-unhealthy failing from the sixth (the book's liveness probe example).
const http = require('http');
const os = require('os');

const variant = process.env.KUBIA_VARIANT || 'v1';
let requests = 0;
console.log('Kubia server starting...');

http
  .createServer((request, response) => {
    requests++;
    console.log('Received request from ' + request.socket.remoteAddress);
    if (variant === 'v3' && requests > 4) {
      response.writeHead(500);
      response.end('Some internal error has occurred! This is pod ' + os.hostname() + '\n');
      return;
    }
    if (variant === 'unhealthy' && requests > 5) {
      response.writeHead(500);
      response.end("I'm not well. Please restart me!");
      return;
    }
    response.writeHead(200);
    response.end(
      variant === 'v1'
        ? "You've hit " + os.hostname() + '\n'
        : 'This is ' + variant + ' running in pod ' + os.hostname() + '\n',
    );
  })
  .listen(8080);
