#!/usr/bin/env node
'use strict';
// An Anthropic Messages API mock for the translated-path benchmark (the shared bench mocks speak OpenAI only).
// POST /v1/messages: with "stream": true, Anthropic's event sequence with --chunks text deltas --delay-ms apart
// (the first after --ttft-ms), like the shared bench's OpenAI mock; otherwise one message JSON.
// usage: node mock-anthropic.js [--port 19003] [--chunks 20] [--delay-ms 10] [--ttft-ms 10]
const http = require('http');
const o = { port: 19003, chunks: 20, delayMs: 10, ttftMs: 10 };
const a = process.argv.slice(2);
for (let i = 0; i < a.length; i += 2) {
  if (a[i] === '--port') o.port = +a[i + 1];
  else if (a[i] === '--chunks') o.chunks = +a[i + 1];
  else if (a[i] === '--delay-ms') o.delayMs = +a[i + 1];
  else if (a[i] === '--ttft-ms') o.ttftMs = +a[i + 1];
}
const ev = (type, data) => `event: ${type}\ndata: ${JSON.stringify(Object.assign({ type }, data))}\n\n`;
const usage = { input_tokens: 24, output_tokens: o.chunks, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };

http.createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    let body = {};
    try { body = JSON.parse(Buffer.concat(parts).toString('utf8')); } catch (e) { /* answered below */ }
    if (req.method !== 'POST' || req.url.split('?')[0] !== '/v1/messages' || !body.max_tokens) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'bad request' } }));
      return;
    }
    const model = body.model || 'bench';
    if (!body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'msg_bench', type: 'message', role: 'assistant', model,
        content: [{ type: 'text', text: 'This is a canned answer from the Anthropic benchmark mock.' }],
        stop_reason: 'end_turn', stop_sequence: null, usage }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(ev('message_start', { message: { id: 'msg_bench', type: 'message', role: 'assistant', model, content: [],
      stop_reason: null, stop_sequence: null, usage: { input_tokens: 24, output_tokens: 1 } } }));
    res.write(ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
    res.write(ev('ping', {}));
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i < o.chunks) {
        res.write(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'token' + i + ' ' } }));
        i++;
        setTimeout(next, o.delayMs);
        return;
      }
      res.write(ev('content_block_stop', { index: 0 }));
      res.write(ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: o.chunks } }));
      res.end(ev('message_stop', {}));
    };
    setTimeout(next, o.ttftMs);
  });
}).listen(o.port, '127.0.0.1');
