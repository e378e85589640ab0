// Reference peer for the fan-out benchmark: what a typical team would build instead of
// Convene, a plain Node.js HTTP server with the npm `ws` package. It keeps the same sockets
// and broadcasts the same participant JSON that Convene sends on a title change.
//
//   node server.mjs [--port N] [--host ADDR] [--session-id ID]
//   (defaults: port 0 = any free port, 127.0.0.1, s1; pass Convene's session id for equal bytes)
//
// Prints exactly `listening on PORT` once ready. Protocol:
//   GET /ws (query ignored)  WebSocket; first message {"type":"state",...}
//   POST /broadcast          body {"title":"..."}: new title, version + 1, one message to all; 204
//   GET /stats               200 {"clients":N,"rss":bytes}
// SIGTERM or SIGINT closes the server and exits 0.
import http from 'node:http';
import process from 'node:process';

import { WebSocket, WebSocketServer } from 'ws';

const MAX_BODY = 64 * 1024;
// Asio's max_listen_connections (SOMAXCONN), as Convene's acceptor uses; Node's default is 511.
const BACKLOG = 4096;
const KEEP_ALIVE_MS = 30_000;

function parseArgs(argv) {
  const options = { port: 0, host: '127.0.0.1', sessionId: 's1' };
  for (let i = 0; i < argv.length; ++i) {
    const value = argv[i + 1];
    if (argv[i] === '--port' && value !== undefined) {
      options.port = Number(value);
      ++i;
    } else if (argv[i] === '--host' && value !== undefined) {
      options.host = value;
      ++i;
    } else if (argv[i] === '--session-id' && value !== undefined) {
      options.sessionId = value;
      ++i;
    } else {
      process.stderr.write(`usage: node server.mjs [--port N] [--host ADDR] [--session-id ID]\n`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    process.stderr.write(`invalid --port\n`);
    process.exit(2);
  }
  return options;
}

const options = parseArgs(process.argv.slice(2));
let title = 'Fan-out benchmark';
// Convene's room version starts at the wall clock in milliseconds: same digits on the wire.
let version = Date.now();

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4096 });

function stateMessage() {
  return JSON.stringify({
    type: 'state',
    version,
    title,
    participant_count: wss.clients.size,
  });
}

// Byte for byte what Convene's Hub sends participants on a title change (nlohmann::json orders
// keys alphabetically), so both servers put the same bytes on the wire.
function titleMessage() {
  return JSON.stringify({
    active_slide: null,
    participant_count: wss.clients.size,
    session: {
      close_reason: null,
      closed_at: null,
      ends_at: null,
      id: options.sessionId,
      status: 'open',
      title,
    },
    status: 'open',
    type: 'title',
    version,
  });
}

// One shared listener instead of a closure per socket: a reset peer must not crash the process.
function ignoreSocketError() {}

function broadcast(message) {
  // Serialized once by the caller; every socket gets the same string.
  for (const client of wss.clients) {
    if (client.readyState === WebSocket.OPEN) client.send(message);
  }
}

function reply(res, status, body) {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function handleBroadcast(req, res) {
  const chunks = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > MAX_BODY) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) return reply(res, 413, { error: 'body too large' });
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(res, 400, { error: 'invalid JSON' });
    }
    if (body === null || typeof body !== 'object' || typeof body.title !== 'string') {
      return reply(res, 400, { error: 'title must be a string' });
    }
    title = body.title;
    ++version;
    broadcast(titleMessage());
    // Answered once every send is issued, not once every client has the message.
    reply(res, 204);
  });
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?', 1)[0];
  if (path === '/broadcast') {
    if (req.method !== 'POST') return reply(res, 405, { error: 'method not allowed' });
    return handleBroadcast(req, res);
  }
  if (path === '/stats') {
    if (req.method !== 'GET') return reply(res, 405, { error: 'method not allowed' });
    return reply(res, 200, { clients: wss.clients.size, rss: process.memoryUsage().rss });
  }
  reply(res, 404, { error: 'not found' });
});
// Convene keeps an idle HTTP connection for its request timeout (30 s); Node's default of 5 s
// would drop a trigger connection that waits while thousands of sockets connect.
server.keepAliveTimeout = KEEP_ALIVE_MS;

server.on('upgrade', (req, socket, head) => {
  socket.on('error', ignoreSocketError);
  if (req.url.split('?', 1)[0] !== '/ws') {
    socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.on('error', ignoreSocketError);
    ws.send(stateMessage());
  });
});

function shutdown() {
  server.close();
  for (const client of wss.clients) client.terminate();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

server.on('error', (err) => {
  process.stderr.write(`server error: ${err.message}\n`);
  process.exit(1);
});

server.listen({ host: options.host, port: options.port, backlog: BACKLOG }, () => {
  // stdout to a pipe or file is synchronous on Linux: the line is out before the first request.
  process.stdout.write(`listening on ${server.address().port}\n`);
});
