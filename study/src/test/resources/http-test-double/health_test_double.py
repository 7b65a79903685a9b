"""TEST DOUBLE, not llama.cpp: a tiny HTTP server with only GET /health, for testing how
LlamaServer starts, waits for and stops a server process. Modes (argv[2]):
  ok     answers 503 ("loading") for 0.3 s, then 200
  crash  prints one line and exits with code 3 before listening
  hang   answers 503 forever
"""
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

port, mode = int(sys.argv[1]), sys.argv[2]
if mode == "crash":
    print("test double: exiting on purpose", flush=True)
    sys.exit(3)
started = time.time()


class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        ready = mode == "ok" and time.time() - started > 0.3
        self.send_response(200 if self.path == "/health" and ready else 503)
        self.end_headers()
        self.wfile.write(b'{"status":"ok"}' if ready else b'{"error":"loading"}')

    def log_message(self, *args):
        pass


print("test double listening on", port, flush=True)
HTTPServer(("127.0.0.1", port), Health).serve_forever()
