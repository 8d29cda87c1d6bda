"""A small platform of the tests' own, for what Prism cannot do: answer slowly, count the
flows it receives per trackingId, answer a 202 without ``flowId`` (the OpenAPI allows an
empty one) and find a flow again by its trackingId. Only the three calls of sending: the
healthcheck, ``POST /v1/flows`` and ``POST /v1/flows/search``. No Odoo import."""

import collections
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TRACKING_ID = re.compile(rb'"trackingId":\s*"([^"]+)"')


class SlowPlatform:
    """``delay``: seconds each ``POST /v1/flows`` takes; ``empty_flow_id``: its 202 names
    no flow; ``known``: whether a search by trackingId finds the flows it received."""

    def __init__(self, delay=0.0, empty_flow_id=False, known=True):
        self.delay = delay
        self.empty_flow_id = empty_flow_id
        self.known = known
        self.posts = collections.Counter()  # trackingId -> POST /v1/flows received
        self.searches = 0
        self.flow_ids = {}  # trackingId -> flowId
        self.lock = threading.Lock()
        self.server = None

    def start(self):
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet: the test log has no noise
                pass

            def _answer(self, status, payload):
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                self._answer(200, {})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.path.startswith("/v1/flows/search"):
                    tracking_id = (json.loads(body).get("where") or {}).get("trackingId")
                    with platform.lock:
                        platform.searches += 1
                        flow_id = platform.known and platform.flow_ids.get(tracking_id)
                    results = [platform._flow(tracking_id, flow_id)] if flow_id else []
                    self._answer(200, {"limit": 100, "results": results})
                    return
                match = TRACKING_ID.search(body)
                tracking_id = match.group(1).decode() if match else ""
                time.sleep(platform.delay)
                with platform.lock:
                    platform.posts[tracking_id] += 1
                    flow_id = "flow-%d" % (len(platform.flow_ids) + 1)
                    platform.flow_ids.setdefault(tracking_id, flow_id)
                answer = {
                    "flowId": "" if platform.empty_flow_id else flow_id,
                    "trackingId": tracking_id,
                    "name": "flow.xml",
                    "flowSyntax": "CDAR",
                    "submittedAt": "2026-12-01T09:00:00Z",
                }
                self._answer(202, answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def _flow(tracking_id, flow_id):
        return {
            "flowId": flow_id,
            "trackingId": tracking_id,
            "name": "flow.xml",
            "flowSyntax": "CDAR",
            "flowType": "CustomerInvoiceLC",
            "flowDirection": "Out",
            "submittedAt": "2026-12-01T09:00:00Z",
            "updatedAt": "2026-12-01T09:00:00Z",
        }
