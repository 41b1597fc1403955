#!/usr/bin/env python3
"""Opens a static site in headless Chromium, as a reader's browser would.

Usage: browse.py SITE_DIR OUT_DIR [--screenshot PAGE]...

Serves SITE_DIR on 127.0.0.1 (a free port, for as long as this runs), opens
index.html in one headless Chromium and from there every page the site links
to, and writes into OUT_DIR:
  report.json      {"pages": {PATH: [PROBLEM, ...]}, "links": {PATH: STATUS}}
                   every HTML page reached, with what went wrong while it
                   loaded (console errors and warnings, uncaught exceptions,
                   Chromium's own error log, failed requests, HTTP errors)
                   and its texts of too low a contrast, light or dark,
                   and every other file of the site a page links to, with the
                   HTTP status the server gave it
  dom/PATH         the DOM Chromium rendered for each page
  PAGE.png         for each --screenshot PAGE, the page in a 1200x1400 window
                   (with '/' in PAGE replaced by '_')
Exits 1 when any page had a problem or any link did not resolve.

It drives Chromium through its DevTools protocol over a pipe
(--remote-debugging-pipe), which needs nothing beyond Python's standard
library: --dump-dom alone cannot see a failed request.
"""

import base64
import fcntl
import functools
import http.server
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request

WINDOW = (1200, 1400)
TIMEOUT_SECONDS = 30
QUIET_SECONDS = 0.25


def find_chromium():
    path = shutil.which("chromium")
    if not path:
        sys.exit("browse.py: no chromium on PATH (scripts/install-deps installs it)")
    return path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site_dir):
    handler = functools.partial(QuietHandler, directory=site_dir)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Chromium:
    """One headless Chromium, spoken to with CDP messages over two pipes.

    Chromium reads commands from its fd 3 and writes replies and events to
    its fd 4, each message one JSON text ended by a NUL byte."""

    def __init__(self, profile_dir):
        to_browser_read, self.to_browser = os.pipe()
        self.from_browser, from_browser_write = os.pipe()
        # Moved above 4 first, so that putting them at 3 and 4 in the child
        # cannot overwrite one with the other.
        child_in = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 5)
        child_out = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 5)

        def give_pipes():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        args = [find_chromium(), "--headless", "--remote-debugging-pipe", "--user-data-dir=" + profile_dir,
                "--no-first-run", "--no-default-browser-check", "--disable-gpu", "--disable-extensions",
                "--hide-scrollbars", "--mute-audio", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-pings",
                "--window-size=%d,%d" % WINDOW]
        # Chromium's sandbox refuses to start as root (containers, CI).
        if os.geteuid() == 0:
            args.append("--no-sandbox")
        self.process = subprocess.Popen(args + ["about:blank"], stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        pass_fds=(3, 4), preexec_fn=give_pipes)
        for fd in (to_browser_read, from_browser_write, child_in, child_out):
            os.close(fd)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply["result"]
            self.events.append(reply)

    def receive(self, timeout=TIMEOUT_SECONDS):
        """The next message. Given a TIMEOUT below the limit, None when none
        comes in that time; at the limit, silence is an error."""
        while b"\0" not in self.buffer:
            if not select.select([self.from_browser], [], [], timeout)[0]:
                if timeout < TIMEOUT_SECONDS:
                    return None
                raise RuntimeError("chromium said nothing for %d s" % TIMEOUT_SECONDS)
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed its pipe (exit status %s)" % self.process.poll())
            self.buffer += chunk
        text, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(text)

    def wait_for(self, method):
        """Returns the events received up to and including the first METHOD."""
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method:
                    seen, self.events = self.events[: i + 1], self.events[i + 1 :]
                    return seen
            self.events.append(self.receive())

    def wait_for_quiet(self, seconds):
        """Collects events until none came for SECONDS: a page asks for its
        favicon after its load event, and a failure of that is the page's."""
        while (event := self.receive(seconds)) is not None:
            self.events.append(event)

    def close(self):
        try:
            self.send("Browser.close")
        except RuntimeError:
            pass
        try:
            self.process.wait(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.to_browser)
        os.close(self.from_browser)


class Tab:
    def __init__(self, browser):
        self.browser = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(domain + ".enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": WINDOW[0], "height": WINDOW[1], "deviceScaleFactor": 1, "mobile": False})

    def send(self, method, params=None):
        return self.browser.send(method, params, self.session)

    def open(self, url):
        """Loads URL; returns what went wrong while it loaded, as text lines."""
        self.browser.events.clear()
        result = self.send("Page.navigate", {"url": url})
        if result.get("errorText"):
            return ["navigation failed: " + result["errorText"]]
        events = self.browser.wait_for("Page.loadEventFired")
        self.browser.wait_for_quiet(QUIET_SECONDS)
        events += self.browser.events
        urls = {e["params"]["requestId"]: e["params"]["request"]["url"]
                for e in events if e.get("method") == "Network.requestWillBeSent"}
        return [p for p in (problem(e, urls) for e in events) if p]

    def low_contrast(self):
        """The texts below the minimum contrast, in the light and in the dark colour scheme."""
        found = []
        for scheme in ("light", "dark"):
            self.send("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]})
            found += ["low contrast (%s): %s" % (scheme, text) for text in self.evaluate(CONTRAST_JS)]
        self.send("Emulation.setEmulatedMedia", {"features": []})
        return found

    def evaluate(self, expression):
        return self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})["result"]["value"]

    def screenshot(self):
        return base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])


def problem(event, urls):
    """What a CDP event says went wrong, or None; URLS maps request IDs to URLs."""
    method, params = event.get("method"), event.get("params", {})
    if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert", "warning"):
        text = " ".join(str(a.get("value", a.get("description", ""))) for a in params["args"])
        return "console %s: %s" % (params["type"], text)
    if method == "Runtime.exceptionThrown":
        details = params["exceptionDetails"]
        return "uncaught exception: %s" % details.get("exception", {}).get("description", details["text"])
    if method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
        entry = params["entry"]
        return "%s %s: %s %s" % (entry["source"], entry["level"], entry["text"], entry.get("url", ""))
    if method == "Network.loadingFailed":
        return "request failed: %s %s" % (params.get("errorText"), urls.get(params["requestId"], "?"))
    if method == "Network.responseReceived" and params["response"]["status"] >= 400:
        response = params["response"]
        return "HTTP %d: %s" % (response["status"], response["url"])
    return None


# Every element with text of its own, shown, whose colour is below WCAG's
# minimum contrast (4.5:1, 3:1 for large text) against the first background
# behind it that is not transparent.
CONTRAST_JS = r"""(() => {
  const rgb = s => { const v = s.match(/[\d.]+/g).map(Number);
    return s.startsWith('color(') ? v.map((c, i) => i < 3 ? c * 255 : c) : v; };
  const lum = ([r, g, b]) => { const f = c => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const behind = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
  const low = [];
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;  // hidden, or for screen readers only
    if (![...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const style = getComputedStyle(e);
    const [a, b] = [lum(rgb(style.color)), lum(behind(e))].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05), size = parseFloat(style.fontSize);
    const needed = size >= 24 || (parseInt(style.fontWeight) >= 700 && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed)
      low.push(`${e.tagName.toLowerCase()}.${e.className} "${e.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1`);
  }
  return low;
})()"""

LINKS_JS = "Array.from(document.querySelectorAll('[href], [src]'), e => e.href || e.src)"


def site_path(url, origin):
    """The path of URL inside the site, or None for a link that leaves it."""
    parts = urllib.parse.urlsplit(url)
    if "%s://%s" % (parts.scheme, parts.netloc) != origin:
        return None
    path = urllib.parse.unquote(parts.path).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def crawl(tab, origin, out_dir):
    pages, links, queue = {}, {}, ["index.html"]
    while queue:
        path = queue.pop(0)
        if path in pages:
            continue
        pages[path] = tab.open(origin + "/" + urllib.parse.quote(path)) + tab.low_contrast()
        dom_file = os.path.join(out_dir, "dom", path)
        os.makedirs(os.path.dirname(dom_file), exist_ok=True)
        with open(dom_file, "w", encoding="utf-8") as f:
            f.write(tab.evaluate("document.documentElement.outerHTML"))
        for url in tab.evaluate(LINKS_JS):
            target = site_path(url, origin)
            if target is None:
                continue
            if target.endswith(".html"):
                queue.append(target)
            elif target not in links:
                links[target] = http_status(origin + "/" + urllib.parse.quote(target))
    return pages, links


def main(argv):
    if len(argv) < 3 or len(argv) % 2 == 0 or any(a != "--screenshot" for a in argv[3::2]):
        sys.exit(__doc__.split("\n\n")[1])
    site_dir, out_dir, screenshots = argv[1], argv[2], argv[4::2]
    os.makedirs(out_dir, exist_ok=True)
    server = serve(site_dir)
    origin = "http://127.0.0.1:%d" % server.server_address[1]
    with tempfile.TemporaryDirectory(prefix="browse-profile.") as profile:
        browser = Chromium(profile)
        try:
            tab = Tab(browser)
            pages, links = crawl(tab, origin, out_dir)
            for page in screenshots:
                pages.setdefault(page, []).extend(tab.open(origin + "/" + page))
                with open(os.path.join(out_dir, page.replace("/", "_") + ".png"), "wb") as f:
                    f.write(tab.screenshot())
        finally:
            browser.close()
            server.shutdown()
    with open(os.path.join(out_dir, "report.json"), "w", encoding="utf-8") as f:
        json.dump({"pages": pages, "links": links}, f, indent=1, sort_keys=True)
    failures = ["%s: %s" % (page, p) for page, problems in sorted(pages.items()) for p in problems]
    failures += ["%s: HTTP %d" % (path, status) for path, status in sorted(links.items()) if status != 200]
    print("\n".join(failures) if failures else "%d pages, %d other files: no problem" % (len(pages), len(links)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
