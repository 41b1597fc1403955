#!/usr/bin/env python3
"""Runs scripts in a static site's pages in headless Chromium, for tests that
check what a page does in a browser (filters, sorting) rather than what it
shows when it loads.

Usage: evaluate.py [--no-script] SITE_DIR PAGE EXPRESSION [PAGE EXPRESSION]...

Serves SITE_DIR on 127.0.0.1 as browse.py does and, in one headless
Chromium, loads each PAGE (a path in the site, with a #fragment if wanted)
afresh and evaluates the JavaScript EXPRESSION in it once it has loaded.
Prints one JSON line per PAGE: {"value": WHAT_IT_RETURNED, "problems": [...]},
the problems being what went wrong while the page loaded (as browse.py
reports them). With --no-script the pages' own scripts do not run
(DevTools' Emulation.setScriptExecutionDisabled), as in a browser with
JavaScript turned off; the EXPRESSIONs still do.
Exits 1 when an EXPRESSION throws.
"""

import json
import sys
import tempfile
import urllib.parse

import browse


def main(argv):
    args = argv[1:]
    scripts_off = bool(args) and args[0] == "--no-script"
    if scripts_off:
        args = args[1:]
    if len(args) < 3 or len(args) % 2 == 0:
        sys.exit(__doc__.split("\n\n")[1])
    site_dir, pairs = args[0], list(zip(args[1::2], args[2::2]))
    server = browse.serve(site_dir)
    origin = "http://127.0.0.1:%d" % server.server_address[1]
    status = 0
    with tempfile.TemporaryDirectory(prefix="evaluate-profile.") as profile:
        browser = browse.Chromium(profile)
        try:
            tab = browse.Tab(browser)
            if scripts_off:
                tab.send("Emulation.setScriptExecutionDisabled", {"value": True})
            for page, expression in pairs:
                # A page that differs from the last only in its #fragment would
                # be a navigation within the document, with no load event: each
                # PAGE starts from a blank one.
                tab.open("about:blank")
                problems = tab.open(origin + "/" + urllib.parse.quote(page, safe="/#=&"))
                reply = tab.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
                if "exceptionDetails" in reply:
                    details = reply["exceptionDetails"]
                    problems.append("the expression threw: %s" % details.get("exception", {}).get(
                        "description", details["text"]))
                    status = 1
                print(json.dumps({"value": reply["result"].get("value"), "problems": problems}, ensure_ascii=False))
        finally:
            browser.close()
            server.shutdown()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
