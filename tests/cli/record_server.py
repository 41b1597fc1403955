#!/usr/bin/env python3
"""A webhook receiver for the tests: records every request it is sent.

Usage: record_server.py DIR

Listens on 127.0.0.1 at a port the system chooses, writes that port to
DIR/port once it listens (renamed into place, so a reader never sees half of
it), and appends each request to DIR/requests as one line of JSON:
{"method", "path", "content_type", "body"}, with the body parsed as JSON (or
the raw text when it is not JSON). It answers 200, or the status that the
query parameter `answer` asks for (/slack/incident?answer=500), with a short
text body. It runs until it is killed.
"""

import json
import os
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer


class Recorder(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length).decode("utf-8", errors="replace")
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw
        record = {
            "method": self.command,
            "path": urllib.parse.urlsplit(self.path).path,
            "content_type": self.headers.get("Content-Type", ""),
            "body": body,
        }
        with open(os.path.join(self.server.record_dir, "requests"), "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        status = int(query.get("answer", ["200"])[0])
        reply = b"ok" if status == 200 else b"server error"
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    do_GET = do_POST

    def log_message(self, *args):
        pass  # the requests file is the log


def main(record_dir):
    server = HTTPServer(("127.0.0.1", 0), Recorder)
    server.record_dir = record_dir
    port_file = os.path.join(record_dir, "port")
    with open(port_file + ".tmp", "w", encoding="utf-8") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
