#!/usr/bin/env python3
"""A small upstream for the fuzzer: answers OpenAI, Gemini and Anthropic shapes and records every path it is asked
for, so that a request the gateway should never have sent (a path chosen by a client) shows up in its log."""
import json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = open(sys.argv[2], "a", buffering=1) if len(sys.argv) > 2 else sys.stderr
CHAT = {"id": "c1", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}
EMB = {"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [0.1, 0.2]}], "model": "m",
       "usage": {"prompt_tokens": 1, "total_tokens": 1}}
COMP = {"id": "t1", "object": "text_completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "text": "ok", "finish_reason": "stop"}], "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}
GEM = {"candidates": [{"content": {"role": "model", "parts": [{"text": "ok"}]}, "finishReason": "STOP", "index": 0}],
       "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 1, "totalTokenCount": 4}}
ANTH = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude", "content": [{"type": "text", "text": "ok"}],
        "stop_reason": "end_turn", "stop_sequence": None, "usage": {"input_tokens": 3, "output_tokens": 1}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        n = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(n) if n else b""
        LOG.write(json.dumps({"path": self.path, "bytes": len(body)}) + "\n")
        stream = b'"stream":true' in body.replace(b" ", b"") or "streamGenerateContent" in self.path
        p = self.path
        if "streamGenerateContent" in p:
            self.sse([b"data: " + json.dumps(GEM).encode() + b"\r\n\r\n"])
        elif ":generateContent" in p:
            self.json(GEM)
        elif ":embedContent" in p or ":batchEmbedContents" in p:
            self.json({"embedding": {"values": [0.1, 0.2]}, "embeddings": [{"values": [0.1, 0.2]}]})
        elif p.endswith("/messages"):
            self.json(ANTH)
        elif p.endswith("/embeddings"):
            self.json(EMB)
        elif p.endswith("/completions") and not p.endswith("/chat/completions"):
            self.json(COMP)
        elif stream:
            chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m",
                     "choices": [{"index": 0, "delta": {"content": "ok"}, "finish_reason": "stop"}]}
            usage = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [],
                     "usage": CHAT["usage"]}
            self.sse([b"data: " + json.dumps(chunk).encode() + b"\n\n", b"data: " + json.dumps(usage).encode() + b"\n\n",
                      b"data: [DONE]\n\n"])
        else:
            self.json(CHAT)

    def json(self, obj):
        b = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def sse(self, events):
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.end_headers()
        for e in events:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(e), e))
        self.wfile.write(b"0\r\n\r\n")


ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
