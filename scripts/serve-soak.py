#!/usr/bin/env python3
"""Soak test of `bantam serve`: starts it, runs a bounded loop of concurrent requests (chat and
completions, streamed and not, some cancelled mid-stream by closing the connection) for a given
time, then prints the server's resident memory at the start and the end and every status seen,
and, to tell a leak from a heap that grew to its limit, the JVM's heap after a full GC and its
native memory summary (jcmd) at both ends.

    scripts/serve-soak.py [--minutes 10] [--workers 16] [--parallel 4] [--queue 8] [--port 18480]
                          [--java-opts "-Xmx256m -XX:NativeMemoryTracking=summary"]

Exit status 1 when anything but 200 and 429 was seen, or the server died."""
import argparse, collections, http.client, json, os, random, subprocess, sys, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--minutes", type=float, default=10)
ap.add_argument("--workers", type=int, default=16)
ap.add_argument("--parallel", type=int, default=4)
ap.add_argument("--queue", type=int, default=8)
ap.add_argument("--port", type=int, default=18480)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--java-opts", default="-Xmx256m -XX:NativeMemoryTracking=summary",
                help="BANTAM_JAVA_OPTS for the server: a fixed heap, so that growth past it would be a leak")
a = ap.parse_args()

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
server = subprocess.Popen([os.path.join(root, "bantam"), "serve", "--port", str(a.port), "-t", str(a.threads),
                           "--parallel", str(a.parallel), "--queue", str(a.queue), "-c", "512"],
                          stderr=open("/tmp/serve-soak-server.log", "w"), env=dict(os.environ, BANTAM_JAVA_OPTS=a.java_opts))

def rss_kib():
    # the JVM is the launcher's child (or the launcher itself after exec)
    pids = [server.pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()]
    total = 0
    for pid in pids:
        try:
            for line in open(f"/proc/{pid}/status"):
                if line.startswith("VmRSS:"): total = max(total, int(line.split()[1]))
        except OSError: pass
    return total

def jcmd(*command):
    # the JVM's own jcmd (the launcher execs java, so the server's pid is the JVM's)
    tool = os.path.join(os.path.dirname(os.readlink(f"/proc/{server.pid}/exe")), "jcmd")
    return subprocess.run([tool, str(server.pid), *command], capture_output=True, text=True).stdout

def jvm_memory():
    """Heap used after a full GC, and the native memory tracker's committed total (when it is on)."""
    jcmd("GC.run")
    heap = next((l.strip() for l in jcmd("GC.heap_info").splitlines() if "heap" in l and "used" in l), "heap: n/a")
    summary = jcmd("VM.native_memory", "summary").splitlines()
    nmt = next((l.strip() for l in summary if l.startswith("Total")), "NMT: off")
    java_heap = next((l.strip() for l in summary if "Java Heap" in l), "")
    after_gc = rss_kib()
    # glibc keeps freed memory in its arenas; what a trim gives back was retained, not leaked
    jcmd("System.trim_native_heap")
    return (f"{heap} | NMT {nmt} | {java_heap} | RSS after the GC {after_gc / 1024:.1f} MiB, "
            f"after trimming the C heap {rss_kib() / 1024:.1f} MiB: {rss_by_kind(heap)}")

def rss_by_kind(heap_line):
    """The server's resident memory by mapping: the Java heap's range, files (the model), other anonymous memory."""
    import re
    r = re.search(r"\[(0x[0-9a-f]+), (0x[0-9a-f]+)\)", heap_line)
    lo, hi = (int(r.group(1), 16), int(r.group(2), 16)) if r else (0, 0)
    kinds, kind = collections.Counter(), None
    for line in open(f"/proc/{server.pid}/smaps"):
        head = line.split()
        if "-" in head[0] and len(head) >= 5 and not head[0].endswith(":"):
            start = int(head[0].split("-")[0], 16)
            path = head[5] if len(head) > 5 else ""
            kind = "java heap" if lo <= start < hi else (os.path.basename(path) if path.startswith("/") else (path or "anonymous"))
        elif head[0] == "Rss:":
            kinds[kind] += int(head[1])
    return ", ".join(f"{k} {v / 1024:.1f}" for k, v in kinds.most_common(5)) + " (MiB)"

def request(path, body, cancel_after=None):
    c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=120)
    try:
        c.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        r = c.getresponse()
        if cancel_after is not None and r.status == 200:
            for _ in range(cancel_after): r.readline()
            return "cancelled"
        r.read()
        return str(r.status)
    finally:
        c.close()

for _ in range(600):
    try:
        if request("/tokenize", {"content": "x"}) == "200": break
    except OSError: pass
    time.sleep(0.2)  # not listening yet, or 503 while the model loads
else:
    sys.exit("bantam serve did not come up; see /tmp/serve-soak-server.log")

start_rss = rss_kib()
start_jvm = jvm_memory()
jcmd("VM.native_memory", "baseline")
counts = collections.Counter()
lock = threading.Lock()
deadline = time.time() + a.minutes * 60
words = "It is a truth universally acknowledged that a single man in possession of a good fortune".split()

def worker(seed):
    rnd = random.Random(seed)
    while time.time() < deadline:
        text = " ".join(rnd.choices(words, k=rnd.randint(3, 40)))
        stream = rnd.random() < 0.6
        body = {"max_tokens": rnd.randint(1, 96), "temperature": rnd.choice([0, 0.8]), "stream": stream, "seed": rnd.randint(0, 9)}
        if rnd.random() < 0.5:
            path, body["messages"] = "/v1/chat/completions", [{"role": "user", "content": text}]
        else:
            path, body["prompt"] = "/v1/completions", text
        cancel = rnd.randint(1, 6) if stream and rnd.random() < 0.3 else None
        try:
            status = request(path, body, cancel)
        except Exception as e:
            status = type(e).__name__
        with lock: counts[status] += 1
        # a client told to retry later waits, as Retry-After asks
        if status == "429": time.sleep(rnd.uniform(0.5, 1.5))

threads = [threading.Thread(target=worker, args=(i,)) for i in range(a.workers)]
for t in threads: t.start()
for t in threads: t.join()
time.sleep(2)
end_rss = rss_kib()
end_jvm = jvm_memory()
# which of the JVM's native areas grew since the start (NMT's diff against the baseline)
grown = [" ".join(l.split()) for l in jcmd("VM.native_memory", "summary.diff").splitlines()
         if l.lstrip().startswith("-") and "committed=" in l and "(reserved" in l]
metrics = http.client.HTTPConnection("127.0.0.1", a.port); metrics.request("GET", "/metrics"); m = metrics.getresponse().read().decode()
alive = server.poll() is None
server.terminate(); server.wait(10)
print(f"minutes {a.minutes}  workers {a.workers}  parallel {a.parallel}  queue {a.queue}")
print(f"RSS start {start_rss / 1024:.1f} MiB  end {end_rss / 1024:.1f} MiB  (java opts: {a.java_opts})")
print("JVM start: " + start_jvm)
print("JVM end:   " + end_jvm)
print("NMT areas, committed since the start:")
for line in grown: print("  " + line)
print("results " + ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())))
for line in m.splitlines():
    if line.startswith(("bantam_requests_total", "bantam_busy_slots", "bantam_cancel_to_free_seconds_count", "bantam_cancel_to_free_seconds_sum", "bantam_generated_tokens_total")): print(line)
bad = {k: v for k, v in counts.items() if k not in ("200", "429", "cancelled")}
print("server alive at the end" if alive else "SERVER DIED")
sys.exit(1 if bad or not alive else 0)
