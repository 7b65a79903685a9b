#!/usr/bin/env python3
"""Measures how soon `bantam serve` frees a slot after its client disconnects, against a server
already running with free slots (e.g. `./bantam serve --parallel 1 -t 2 --port 18480`):

    scripts/serve-disconnect.py [--port 18480] [--trials 20]

Per trial one request of unbounded length (`ignore_eos`) is started; streamed: after three chunks,
non-streamed: once its slot is busy, the socket is closed, and /metrics is polled until no slot is
busy. Prints, per kind, the median and max of close → free in ms and, for streams, in decode steps
(the median time between the chunks read before the close)."""
import argparse, json, socket, statistics, time, http.client

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=18480)
ap.add_argument("--trials", type=int, default=20)
a = ap.parse_args()

def metric(name):
    c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=30)
    c.request("GET", "/metrics")
    for line in c.getresponse().read().decode().splitlines():
        if line.startswith(name + " "):
            c.close()
            return float(line.split()[1])
    raise SystemExit("no metric " + name)

# as long a reply as the server allows (its --max-tokens-limit defaults to the slot's context,
# which with --parallel 1 is the whole KV capacity); a larger one would be refused with a 400
MAX_TOKENS = int(metric("bantam_kv_cache_capacity_positions")) - 8

def open_request(stream):
    body = json.dumps({"prompt": "Emma", "max_tokens": MAX_TOKENS, "ignore_eos": True, "stream": stream}).encode()
    s = socket.create_connection(("127.0.0.1", a.port))
    s.sendall(b"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
              + str(len(body)).encode() + b"\r\n\r\n" + body)
    return s

def read_status(f):
    status = f.readline()
    if b" 200 " not in status:
        raise SystemExit(f"the server answered {status.decode().strip()!r} (run it with --parallel 1): {f.read(300)!r}")

def wait_free():
    while metric("bantam_busy_slots") > 0: time.sleep(0.001)
    return time.perf_counter()

results = {"streamed": [], "non-streamed": []}
steps = []
for trial in range(a.trials):
    s = open_request(True)
    f = s.makefile("rb")
    read_status(f)
    stamps = []
    while len(stamps) < 3:
        line = f.readline()
        if not line: raise SystemExit("the stream ended before three chunks")
        if line.startswith(b"data:"): stamps.append(time.perf_counter())
    step = statistics.median([stamps[1] - stamps[0], stamps[2] - stamps[1]])
    closed = time.perf_counter(); f.close(); s.close()
    results["streamed"].append(wait_free() - closed); steps.append(step)

    s = open_request(False)
    while metric("bantam_busy_slots") == 0: time.sleep(0.001)
    closed = time.perf_counter(); s.close()
    results["non-streamed"].append(wait_free() - closed)

step = statistics.median(steps)
print(f"trials {a.trials}  decode step (median gap between chunks) {step * 1e3:.2f} ms")
for kind, xs in results.items():
    line = f"{kind}: close -> slot free median {statistics.median(xs) * 1e3:.1f} ms, max {max(xs) * 1e3:.1f} ms"
    if kind == "streamed": line += f"  ({statistics.median(xs) / step:.1f} steps median, {max(xs) / step:.1f} max)"
    print(line)
count, total = metric("bantam_cancel_to_free_seconds_count"), metric("bantam_cancel_to_free_seconds_sum")
print(f"server side, cancel seen -> slot free: mean {total / count * 1e3:.2f} ms over {count:.0f}")
