#!/usr/bin/env python3
"""Switchboard's own protocol fuzzer: sends malformed, hostile and slow requests over raw TCP to a running gateway
and reports every answer that a gateway must never give (a 5xx of its own, no answer, a reset before an answer, a
leaked secret, a dead gateway, an upstream path a client chose).

  fuzz.py --gateway 127.0.0.1:18080 --key KEY --count 20000 --seed 1 --upstream-log /tmp/up.log

Bounded: every case has a time limit, slow cases are few, and the run stops after --count cases or --seconds."""
import argparse, collections, json, os, random, re, socket, sys, threading, time

ENDPOINTS = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/messages", "/v1/messages/count_tokens",
             "/v1/access-requests"]
MODELS_OK = ["demo/echo", "echo", "oa/gpt-4o", "gem/gemini-2.5-pro", "anth/claude-sonnet-4-5"]
MODELS_BAD = ["gem/../../v1beta/cachedContents#", "gem/x/../../../internal/admin?steal=1&", "gem/models/..", "oa/..",
              "az/..", "az/../x", "gem/%2e%2e%2fadmin", "gem/a#b", "gem/a?b=c", "demo/a\r\nX-Injected: 1", "demo/a\u0000",
              "nope\u0000", "", "/", "//", "demo/", "/echo", "demo/" + "a" * 5000, "gem/" + "../" * 50, "demo/é\u2028x",
              "bed/arn:aws:bedrock:us-east-1::x/../y", "gem/a b", "gem/\t", "dynamic/", "dynamic/../x", "a" * 100000]
SECRETS = [b"sk-upstream-fuzz-secret", b"AIza-FUZZ-SECRET", b"sk-ant-fuzz-secret"]
# A gateway may answer these itself: caps (503 + retry-after), upstream failures (502/504) are not bugs here.
OWN_5XX_ALLOWED = {502, 503, 504}


def chat(model="demo/echo", **extra):
    body = {"model": model, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 5}
    body.update(extra)
    return json.dumps(body).encode()


def anth(model="anth/claude-sonnet-4-5", **extra):
    body = {"model": model, "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
    body.update(extra)
    return json.dumps(body).encode()


def body_for(path, model):
    if path.startswith("/v1/messages"):
        return anth(model)
    if path == "/v1/embeddings":
        return json.dumps({"model": model, "input": "hi"}).encode()
    if path == "/v1/completions":
        return json.dumps({"model": model, "prompt": "hi", "max_tokens": 3}).encode()
    if path == "/v1/access-requests":
        return json.dumps({"model": model, "reason": "fuzz"}).encode()
    return chat(model)


def request(method, path, body=b"", headers=None, key=None, host=True, version="HTTP/1.1"):
    h = [] if headers is None else list(headers)
    if host:
        h.insert(0, ("Host", "gw"))
    if key is not None:
        h.append(("Authorization", "Bearer " + key))
    if body is not None and method in ("POST", "PUT") and not any(k.lower() in ("content-length", "transfer-encoding") for k, _ in h):
        h.append(("Content-Length", str(len(body))))
    head = f"{method} {path} {version}\r\n".encode("latin-1", "replace")
    for k, v in h:
        head += (k.encode("latin-1", "replace") if isinstance(k, str) else k) + b": " + (
            v.encode("utf-8", "surrogatepass") if isinstance(v, str) else v) + b"\r\n"
    return head + b"\r\n" + (body or b"")


class Case:
    def __init__(self, category, name, data, expect_answer=True, slow=None, warm=False):
        self.category, self.name, self.data, self.expect_answer, self.slow, self.warm = category, name, data, expect_answer, slow, warm


CATEGORIES = ["json", "json", "json", "model", "model", "framing", "framing", "path", "auth", "dup", "deep", "utf8",
              "types", "huge"]


def mutations(rnd, key, skip=()):
    """Yields cases forever, category by category, seeded."""
    while True:
        cat = rnd.choice(CATEGORIES)
        if cat in skip:
            continue
        path = rnd.choice(ENDPOINTS)
        warm = rnd.random() < 0.5  # a GET /healthz first: the model call is then the connection's second request
        if cat == "json":
            b = body_for(path, rnd.choice(MODELS_OK))
            op = rnd.choice(["truncate", "flip", "insert", "drop", "garbage"])
            b = bytearray(b)
            if op == "truncate":
                b = b[:rnd.randrange(len(b))]
            elif op == "flip":
                for _ in range(rnd.randint(1, 4)):
                    b[rnd.randrange(len(b))] = rnd.randrange(256)
            elif op == "insert":
                i = rnd.randrange(len(b))
                b[i:i] = rnd.choice([b"{", b"}", b"[", b"]", b",", b":", b'"', b"\\", b"\x00", b"\xff", b"null", b"1e999999",
                                     b"-", b"\\u", b"\\ud800", b"/*", b"NaN"])
            elif op == "drop":
                i = rnd.randrange(len(b))
                del b[i:i + rnd.randint(1, 8)]
            else:
                b = bytearray(os.urandom(rnd.randint(0, 300)))
            yield Case(cat, f"{op} {path}", request("POST", path, bytes(b), key=key), warm=warm)
        elif cat == "model":
            m = rnd.choice(MODELS_BAD)
            yield Case(cat, f"model {m[:40]!r} {path}", request("POST", path, body_for(path, m), key=key), warm=warm)
        elif cat == "dup":
            m = rnd.choice(MODELS_OK)
            dup = rnd.choice([
                b'{"model":"%s","model":"oa/gpt-4o","messages":[{"role":"user","content":"hi"}]}' % m.encode(),
                b'{"model":"%s","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":{"include_usage":true},"stream_options":null}' % m.encode(),
                b'{"model":"%s","messages":[{"role":"user","content":"hi","content":"x"}],"max_tokens":1,"max_tokens":100000}' % m.encode(),
                b'{"model":"%s","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"messages":[]}' % m.encode()])
            yield Case(cat, f"duplicate keys {path}", request("POST", path, dup, key=key), warm=warm)
        elif cat == "deep":
            d = rnd.choice([100, 500, 999, 1001, 1500, 2001, 5000, 50000])
            nest = rnd.choice([b"[" * d + b"]" * d, b'{"a":' * d + b"1" + b"}" * d])
            b = b'{"model":"demo/echo","messages":[{"role":"user","content":"hi"}],"x":' + nest + b"}"
            if path.startswith("/v1/messages"):
                b = b'{"model":"anth/claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"t","input_schema":' + nest.replace(b"1", b"{}") + b"}]}"
            yield Case(cat, f"depth {d} {path}", request("POST", path, b, key=key), warm=warm)
        elif cat == "utf8":
            bad = rnd.choice([b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\x80", b"\xe2\x82"])
            where = rnd.choice(["key", "value", "model"])
            if where == "key":
                b = b'{"model":"demo/echo","messages":[{"role":"user","content":"hi"}],"k' + bad + b'":1}'
            elif where == "value":
                b = b'{"model":"demo/echo","messages":[{"role":"user","content":"h' + bad + b'i"}]}'
            else:
                b = b'{"model":"demo/e' + bad + b'cho","messages":[{"role":"user","content":"hi"}]}'
            yield Case(cat, f"utf8 {bad!r} in {where} {path}", request("POST", path, b, key=key), warm=warm)
        elif cat == "types":
            field, val = rnd.choice([("model", 1), ("model", None), ("model", []), ("messages", {}), ("messages", "x"),
                                     ("messages", [1]), ("messages", [{"role": 5}]), ("stream", "yes"), ("max_tokens", -1),
                                     ("max_tokens", 10 ** 30), ("n", 1000000), ("n", -1), ("temperature", "hot"),
                                     ("stream_options", "x"), ("tools", "x"), ("tools", [{"type": "function"}]),
                                     ("input", [[1, 2], "x"]), ("prompt", {"a": 1}), ("max_tokens", 1.5e308)])
            b = json.loads(body_for(path, "demo/echo"))
            b[field] = val
            yield Case(cat, f"{field}={str(val)[:30]} {path}", request("POST", path, json.dumps(b).encode(), key=key), warm=warm)
        elif cat == "huge":
            n = rnd.choice([1 << 20, 4 << 20])
            b = chat("demo/echo", messages=[{"role": "user", "content": rnd.choice("ab") * n}])
            yield Case(cat, f"{n >> 20} MiB prompt {path}", request("POST", path if path != "/v1/access-requests" else "/v1/chat/completions", b, key=key), warm=warm)
        elif cat == "auth":
            v = rnd.choice([None, "", "wrong", "x" * 60000, "eyJhbGciOiJub25lIn0.e30.", "eyJ" + "a" * 100 + ".eyJ.sig",
                            key + " ", " " + key, key.upper()])
            hdrs = [] if v is None else [(rnd.choice(["Authorization", "x-api-key"]), ("Bearer " + v) if rnd.random() < 0.5 else v)]
            yield Case(cat, f"auth {str(v)[:20]!r} {path}", request("POST", path, body_for(path, "demo/echo"), headers=hdrs), warm=warm)
        elif cat == "path":
            p = rnd.choice(["/v1/chat/completions/../models", "/v1//chat/completions", "/v1/chat/completions?x=1",
                            "/v1/models/%00", "/v1/models/..%2F..%2Fadmin", "/%2e%2e/", "/v1/models/" + "a" * 10000,
                            "/metrics?x", "/admin/keys", "/v1/models/demo%2Fecho", "/v1/models/%", "*", "http://x/v1/models",
                            "/v1/chat/completions#x", "/v1/chat/completions%00", "/v1/MODELS", "/\x7f"])
            method = rnd.choice(["GET", "POST", "DELETE", "OPTIONS", "HEAD", "get", "FOO"])
            yield Case(cat, f"{method} {p[:50]}", request(method, p, b"{}" if method == "POST" else None, key=key),
                       expect_answer=p != "/\x7f", warm=warm)
        elif cat == "framing":
            b = body_for(path, "demo/echo")
            k = rnd.choice(["nohost", "twohosts", "cl+te", "two-cl", "neg-cl", "huge-cl", "text-cl", "bad-chunk", "chunk-ext",
                            "big-header", "many-headers", "long-line", "http10", "h2-preface", "pipelined", "te-gzip",
                            "obs-fold", "space-before-colon", "nul-in-header"])
            data, expect = None, True
            if k == "nohost":
                data = request("POST", path, b, key=key, host=False)
            elif k == "twohosts":
                data = request("POST", path, b, key=key, headers=[("Host", "other")])
            elif k == "cl+te":
                data = request("POST", path, b"%x\r\n%s\r\n0\r\n\r\n" % (len(b), b), key=key,
                               headers=[("Content-Length", "5"), ("Transfer-Encoding", "chunked")])
            elif k == "two-cl":
                data = request("POST", path, b, key=key, headers=[("Content-Length", str(len(b))), ("Content-Length", "3")])
            elif k == "neg-cl":
                data = request("POST", path, b, key=key, headers=[("Content-Length", "-1")])
            elif k == "huge-cl":
                data = request("POST", path, b, key=key, headers=[("Content-Length", "99999999999999999999")])
            elif k == "text-cl":
                data = request("POST", path, b, key=key, headers=[("Content-Length", "ten")])
            elif k == "bad-chunk":
                data = request("POST", path, b"zz\r\n" + b + b"\r\n0\r\n\r\n", key=key, headers=[("Transfer-Encoding", "chunked")])
            elif k == "chunk-ext":
                data = request("POST", path, b"%x;%s\r\n%s\r\n0\r\n\r\n" % (len(b), b"e" * 20000, b), key=key,
                               headers=[("Transfer-Encoding", "chunked")])
            elif k == "big-header":
                data = request("POST", path, b, key=key, headers=[("X-Big", "a" * 70000)])
            elif k == "many-headers":
                data = request("POST", path, b, key=key, headers=[(f"X-H{i}", "v") for i in range(3000)])
            elif k == "long-line":
                data = request("POST", path + "?" + "a" * 20000, b, key=key)
            elif k == "http10":
                data = request("POST", path, b, key=key, version="HTTP/1.0")
            elif k == "h2-preface":
                data, expect = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00", False
            elif k == "pipelined":
                data = request("POST", path, b, key=key) * 3
            elif k == "te-gzip":
                data = request("POST", path, b"%x\r\n%s\r\n0\r\n\r\n" % (len(b), b), key=key,
                               headers=[("Transfer-Encoding", "gzip, chunked")])
            elif k == "obs-fold":
                data = request("POST", path, b, key=key, headers=[("X-A", "a\r\n b")])
            elif k == "space-before-colon":
                data = request("POST", path, b, key=key, headers=[("Content-Type ", "application/json")])
            else:
                data = request("POST", path, b, key=key, headers=[("X-N", b"a\x00b")])
            yield Case(cat, f"{k} {path}", data, expect_answer=expect, warm=warm)


def slow_cases(key):
    b = chat()
    yield Case("slow", "half a head", b"POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nAuthor", expect_answer=False, slow=3)
    yield Case("slow", "head, a tenth of the body", request("POST", "/v1/chat/completions", b, key=key)[:-(len(b) - 5)],
               expect_answer=False, slow=3)
    yield Case("slow", "anonymous 32 MiB announced, 1 MiB sent", request("POST", "/v1/chat/completions", b"x" * (1 << 20),
               headers=[("Content-Length", str(32 << 20))]), expect_answer=False, slow=3, warm=True)


def parse_status(buf):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", buf)
    return int(m.group(1)) if m else None


def send_case(addr, case, timeout):
    s = socket.create_connection(addr, timeout=timeout)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    got, status, outcome = b"", None, "answered"
    try:
        if case.warm:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n")
            w = b""
            while b"\r\n\r\n" not in w or not w.endswith(b"}"):
                c = s.recv(65536)
                if not c:
                    break
                w += c
        try:
            s.sendall(case.data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the gateway may answer and close before reading all (413, 401)
        if case.slow:
            time.sleep(case.slow)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                c = s.recv(1 << 20)
            except socket.timeout:
                break
            if not c:
                break
            got += c
            if len(got) > 8 << 20:
                break
            if parse_status(got) and re.search(rb"\r\n\r\n", got):
                head, _, rest = got.partition(b"\r\n\r\n")
                m = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
                if m and len(rest) >= int(m.group(1)):
                    break
                if re.search(rb"(?i)transfer-encoding: *chunked", head) and rest.endswith(b"0\r\n\r\n"):
                    break
        status = parse_status(got)
        if status is None:
            outcome = "no-answer" if not got else "garbled"
    except ConnectionResetError:
        status = parse_status(got)
        outcome = "reset" if status is None else "answered"
    except socket.timeout:
        status = parse_status(got)
        outcome = "timeout" if status is None else "answered"
    finally:
        s.close()
    return status, outcome, got


def healthy(addr):
    try:
        st, _, _ = send_case(addr, Case("probe", "healthz", b"GET /healthz HTTP/1.1\r\nHost: gw\r\n\r\n"), 5)
        return st == 200
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gateway", default="127.0.0.1:18080")
    ap.add_argument("--key", required=True)
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--seconds", type=int, default=600)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--upstream-log")
    ap.add_argument("--out", default="-")
    ap.add_argument("--skip", default="", help="categories to leave out, comma-separated")
    a = ap.parse_args()
    host, port = a.gateway.rsplit(":", 1)
    addr = (host, int(port))
    rnd = random.Random(a.seed)
    gen = mutations(rnd, a.key, set(filter(None, a.skip.split(","))))
    lock = threading.Lock()
    stats = collections.defaultdict(collections.Counter)
    findings = []
    sent = [0]
    stop_at = time.time() + a.seconds

    def record(case, status, outcome, got):
        with lock:
            stats[case.category][status if status else outcome] += 1
            bad = None
            if status is not None and status >= 500 and status not in OWN_5XX_ALLOWED:
                bad = f"status {status}"
            elif status is None and case.expect_answer:
                bad = outcome
            elif any(sec in got for sec in SECRETS):
                bad = "secret in answer"
            if bad and len(findings) < 500:
                findings.append({"category": case.category, "case": case.name, "problem": bad,
                                 "answer": got[:300].decode("latin-1")})

    dead = [False]

    def watchdog():
        misses = 0
        while not done.is_set():
            misses = 0 if healthy(addr) else misses + 1
            if misses >= 3:  # the gateway stopped answering: no point sending more, report it
                dead[0] = True
                return
            done.wait(2)

    done = threading.Event()

    def worker():
        while True:
            with lock:
                if sent[0] >= a.count or time.time() > stop_at or dead[0]:
                    return
                sent[0] += 1
                case = next(gen)
            try:
                status, outcome, got = send_case(addr, case, a.timeout)
            except OSError as e:
                status, outcome, got = None, "connect-failed: " + type(e).__name__, b""
            record(case, status, outcome, got)

    started = time.time()
    threads = [threading.Thread(target=worker) for _ in range(a.threads)]
    def slow_one(case):
        try:
            record(case, *send_case(addr, case, 8))
        except OSError as e:
            record(case, None, "connect-failed: " + type(e).__name__, b"")

    slow = [threading.Thread(target=slow_one, args=(c,)) for c in slow_cases(a.key)]
    dog = threading.Thread(target=watchdog)
    for t in threads + slow + [dog]:
        t.start()
    for t in threads + slow:
        t.join()
    done.set()
    dog.join()
    alive = healthy(addr)
    upstream_paths = collections.Counter()
    odd_paths = []
    if a.upstream_log and os.path.exists(a.upstream_log):
        ok = re.compile(r"^(/v1/(chat/completions|completions|embeddings|messages)|/v1beta/models/[A-Za-z0-9._:@-]+:(generateContent|streamGenerateContent\?alt=sse|embedContent|batchEmbedContents)|/openai/deployments/[A-Za-z0-9._%-]+/(chat/completions|embeddings|completions)\?api-version=[0-9a-z-]+)$")
        for line in open(a.upstream_log):
            p = json.loads(line)["path"]
            upstream_paths[p.split("?")[0] if "deployments" not in p else "azure"] += 1
            if not ok.match(p) or "/../" in p or p.endswith("/..") or "/./" in p:
                odd_paths.append(p)
    report = {"sent": sent[0] + len(slow), "seconds": round(time.time() - started, 1), "seed": a.seed,
              "by_category": {k: dict(v) for k, v in sorted(stats.items())}, "findings": findings,
              "findings_count": len(findings), "gateway_alive_after": alive, "gateway_died_during_run": dead[0],
              "upstream_paths": dict(upstream_paths.most_common(20)), "upstream_paths_a_client_chose": odd_paths[:50]}
    text = json.dumps(report, indent=1, default=str)
    if a.out == "-":
        print(text)
    else:
        open(a.out, "w").write(text)
    bad = len(findings) + (0 if alive else 1) + len(odd_paths)
    print(f"fuzz: {report['sent']} sent in {report['seconds']} s, {len(findings)} findings, "
          f"{len(odd_paths)} client-chosen upstream paths, gateway alive after: {alive}", file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
