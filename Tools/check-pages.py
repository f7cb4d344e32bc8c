#!/usr/bin/env python3
"""Checks HTML pages served over HTTP in a real headless Chromium, driven over the DevTools Protocol (stdlib only).

    python3 Tools/check-pages.py --base http://127.0.0.1:PORT [--chromium PATH] [--widths 1280,390]
                                 [--screenshots DIR] SCRIPT.json

SCRIPT.json is a list of visits, only "path" required:
    [{"path": "/reports/funding?as_of=2024-01-01", "fill": {"as_of": "2023-06-30"}, "count": ["table"],
      "text": ["h1"], "attr": [["nav a", "href"]], "screenshot": "funding"}]
Each visit runs at each width (height 900, mobile emulation under 600 px). "fill" sets the named fields of the
first form.time-travel and submits it (requestSubmit()); what is reported is then the page it leads to: one JSON
line per (visit, width) with path, width, url (final), status (main document), title, errors (console errors and
warnings, uncaught exceptions, Log entries such as CSP violations, failed requests, sub-resources >= 400),
scroll_width, viewport_width (documentElement.clientWidth: under mobile emulation innerWidth grows to fit a page
that is too wide), counts, texts, attrs ({selector: {attribute: [values]}}), screenshot (DIR/<stem>-<width>.png:
the whole page, or its top "screenshot_height" pixels when the visit gives that).
Exit status 0 when every visit ran, whatever it found; 2 with one line on stderr when the browser cannot start
or a page does not load within 20 s. --chromium defaults to $CIVIC_CHROMIUM, else chromium, chromium-browser or
google-chrome on PATH.
"""
import argparse, base64, hashlib, json, os, re, select, shutil, signal, socket, struct, subprocess, sys, tempfile, time
from urllib.parse import urlsplit

PAGE_TIMEOUT = 20.0  # seconds for a page to load, or the browser to answer
SETTLE = 0.2  # seconds to wait after a load for late console messages


class Fatal(Exception):
    """A failure that ends the run with exit status 2."""


class Timeout(Fatal):
    """The browser did not answer in time."""


def xor_mask(data: bytes, mask: bytes) -> bytes:
    """RFC 6455 masking: data XOR the 4-byte mask repeated."""
    key = (mask * (len(data) // 4 + 1))[:len(data)]
    return (int.from_bytes(data, "big") ^ int.from_bytes(key, "big")).to_bytes(len(data), "big")


class WebSocket:
    """A minimal RFC 6455 client: masked frames out, whole messages in."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=PAGE_TIMEOUT)
        self.buf = bytearray()
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(f"GET {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                          f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
                          .encode())
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head = self._exact(self.buf.index(b"\r\n\r\n") + 4)
        accept = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        if not head.startswith(b"HTTP/1.1 101") or accept not in head:
            raise Fatal(f"websocket handshake refused by {url}: {head.splitlines()[0].decode(errors='replace')}")

    def _fill(self) -> None:
        data = self.sock.recv(1 << 16)
        if not data:
            raise ConnectionError("the browser closed the DevTools connection")
        self.buf += data

    def _exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            self._fill()
        data = bytes(self.buf[:n])
        del self.buf[:n]
        return data

    def send(self, payload: bytes, opcode: int = 0x1) -> None:
        """Sends one final frame (text by default), masked as a client must."""
        n, mask = len(payload), os.urandom(4)
        if n < 126:
            size = struct.pack("!B", 0x80 | n)  # the mask bit, and a 7-, 16- or 64-bit length
        elif n < 1 << 16:
            size = struct.pack("!BH", 0x80 | 126, n)
        else:
            size = struct.pack("!BQ", 0x80 | 127, n)
        self.sock.sendall(bytes([0x80 | opcode]) + size + mask + xor_mask(payload, mask))

    def ready(self, timeout: float) -> bool:
        """Whether a frame can be read now, waiting up to timeout seconds."""
        return bool(self.buf) or bool(select.select([self.sock], [], [], max(0.0, timeout))[0])

    def recv(self) -> str:
        """The next whole data message (continuation frames joined); answers pings; raises on close."""
        parts = []
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n >= 126:  # a 16- or 64-bit length follows
                (n,) = struct.unpack("!H", self._exact(2)) if n == 126 else struct.unpack("!Q", self._exact(8))
            mask = self._exact(4) if b1 & 0x80 else None
            payload = xor_mask(self._exact(n), mask) if mask else self._exact(n)
            opcode = b0 & 0x0F
            if opcode == 0x9:  # ping
                self.send(payload, 0xA)
            elif opcode == 0x8:  # close
                self.send(payload[:2], 0x8)
                raise ConnectionError("the browser closed the DevTools connection")
            elif opcode in (0x0, 0x1, 0x2):  # continuation, text, binary
                parts.append(payload)
                if b0 & 0x80:
                    return b"".join(parts).decode()


class Browser:
    """A DevTools connection: commands answered by id; events handed to `listener` as they arrive."""

    def __init__(self, ws_url: str):
        self.ws, self.last_id, self.listener = WebSocket(ws_url), 0, None

    def _pump(self, deadline: float) -> dict | None:
        """Reads one message if one comes before deadline, dispatching events."""
        if not self.ws.ready(deadline - time.monotonic()):
            return None
        message = json.loads(self.ws.recv())
        if "method" in message and self.listener:
            self.listener(message)
        return message

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Sends a command and returns its result."""
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params or {}}
        self.ws.send(json.dumps(message | ({"sessionId": session} if session else {})).encode())
        deadline = time.monotonic() + PAGE_TIMEOUT
        while time.monotonic() < deadline:
            reply = self._pump(deadline)
            if reply and reply.get("id") == self.last_id:
                if "error" in reply:
                    raise Fatal(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
        raise Timeout(f"the browser did not answer {method} within {PAGE_TIMEOUT:.0f} s")

    def wait(self, condition, timeout: float) -> bool:
        """Handles events until condition() holds (True) or timeout seconds pass (False)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() >= deadline:
                return False
            self._pump(deadline)
        return True


class Tab:
    """What one page target reports: errors, the main document's status, whether it committed and loaded."""

    def __init__(self, session: str, frame: str):
        self.session, self.frame, self.status = session, frame, None
        self.errors, self.urls, self.favicons = [], {}, set()  # error lines; URL and favicon requests by id
        self.committed = self.loaded = False

    def on_event(self, message: dict) -> None:
        """Records one DevTools event of this tab."""
        if message.get("sessionId") != self.session:
            return
        method, p = message["method"], message.get("params", {})
        if method == "Page.frameNavigated" and not p["frame"].get("parentId"):
            self.committed, self.loaded = True, False
        elif method == "Page.loadEventFired":
            self.loaded = True
        elif method == "Network.requestWillBeSent":
            self.urls[p["requestId"]] = url = p["request"]["url"]
            if p.get("type") == "Other" and urlsplit(url).path == "/favicon.ico":
                self.favicons.add(p["requestId"])  # the browser's own (first tab only), not the page's
        elif p.get("requestId", p.get("entry", {}).get("networkRequestId")) in self.favicons:
            return
        elif method == "Network.responseReceived":
            response = p["response"]
            if p.get("type") == "Document" and p.get("frameId") == self.frame:
                self.status = response["status"]
            elif response["status"] >= 400:
                self.errors.append(f"HTTP {response['status']} for {response['url']} ({p.get('type')})")
        elif method == "Network.loadingFailed" and not p.get("canceled"):
            why = f"blocked by {p['blockedReason']}" if p.get("blockedReason") else p.get("errorText")
            self.errors.append(f"failed to load {self.urls.get(p['requestId'], '?')} ({p.get('type')}): {why}")
        elif method == "Runtime.consoleAPICalled" and p["type"] in ("error", "warning", "assert"):
            text = " ".join(str(a.get("value", a.get("description", a.get("unserializableValue", ""))))
                            for a in p.get("args", []))
            self.errors.append(f"console.{p['type']}: {text}{where(p.get('stackTrace'))}")
        elif method == "Runtime.exceptionThrown":
            details = p["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text") or "?"
            self.errors.append(f"uncaught exception: {text.splitlines()[0]}{where(details.get('stackTrace'))}")
        elif method == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
            entry = p["entry"]
            source = f" ({entry['url']})" if entry.get("url") else ""
            self.errors.append(f"{entry['source']} {entry['level']}: {entry['text']}{source}")


def where(stack: dict | None) -> str:
    """' (url:line)' for the top frame of a DevTools stack trace, or ''."""
    frames = (stack or {}).get("callFrames") or []
    return f" ({frames[0]['url']}:{frames[0]['lineNumber'] + 1})" if frames else ""


FILL_JS = """(fill => {
  const form = document.querySelector('form.time-travel');
  if (!form) return 'no form.time-travel on the page';
  for (const [name, value] of Object.entries(fill)) {
    const fields = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
    if (!fields.length) return `no field named ${name} in form.time-travel`;
    for (const f of fields) {
      f.value = value;
      if (f.value !== String(value)) return `form.time-travel: ${name} does not take ${JSON.stringify(value)}`;
      f.dispatchEvent(new Event('input', {bubbles: true})); f.dispatchEvent(new Event('change', {bubbles: true}));
    }
  }
  const bad = [...form.elements].filter(f => f.willValidate && !f.checkValidity());
  return bad.map(f => `form.time-travel: ${f.name}: ${f.validationMessage}`).join('; ');
})(%s)"""

INSPECT_JS = """(spec => {
  const bad = [], counts = {}, texts = {}, attrs = {};
  const all = s => { try { return [...document.querySelectorAll(s)]; } catch (e) { bad.push(s); return null; } };
  for (const s of spec.count || []) { const els = all(s); counts[s] = els && els.length; }
  for (const s of spec.text || []) { const els = all(s); texts[s] = els && els.map(e => e.textContent.trim()); }
  for (const [s, a] of spec.attr || []) {
    const els = all(s); (attrs[s] ??= {})[a] = els && els.map(e => e.getAttribute(a));
  }
  return {url: location.href, title: document.title, scroll_width: document.documentElement.scrollWidth,
          viewport_width: document.documentElement.clientWidth, counts, texts, attrs, bad};
})(%s)"""


def evaluate(browser: Browser, session: str, expression: str):
    """The value of a JavaScript expression in the page (DevTools runs it whatever the page's CSP)."""
    result = browser.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
    if "exceptionDetails" in result:
        raise Fatal(f"script failed in the page: {result['exceptionDetails'].get('text')}")
    return result["result"].get("value")


def wait_load(browser: Browser, tab: Tab, what: str) -> None:
    """Waits for the tab's next document to commit and load, then a moment for late messages."""
    if not browser.wait(lambda: tab.committed and tab.loaded, PAGE_TIMEOUT):
        raise Fatal(f"{what} did not load within {PAGE_TIMEOUT:.0f} s")
    browser.wait(lambda: False, SETTLE)


def screenshot(browser: Browser, session: str, path: str, height: float | None = None) -> str:
    """Saves a PNG of the tab to path: the whole page, or its top `height` pixels."""
    metrics = browser.call("Page.getLayoutMetrics", session=session)
    size = metrics.get("cssContentSize") or metrics["contentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], height or size["height"]), "scale": 1}
    image = browser.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip},
                         session)
    with open(path, "wb") as handle:
        handle.write(base64.b64decode(image["data"]))
    return path


def run_visit(browser: Browser, base: str, visit: dict, width: int, shots: str | None) -> dict:
    """Loads one visit at one width in a fresh tab and returns its report."""
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    tab = Tab(session, target)
    browser.listener = tab.on_event
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.call(f"{domain}.enable", session=session)
    browser.call("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600}, session)
    url = base.rstrip("/") + "/" + visit["path"].lstrip("/")
    try:
        navigation = browser.call("Page.navigate", {"url": url}, session)
    except Timeout:
        raise Fatal(f"{url} did not answer within {PAGE_TIMEOUT:.0f} s") from None
    if navigation.get("errorText"):
        raise Fatal(f"{url} did not load: {navigation['errorText']}")
    wait_load(browser, tab, url)
    if visit.get("fill"):
        problem = evaluate(browser, session, FILL_JS % json.dumps(visit["fill"]))
        if problem:
            tab.errors.append(problem)
        else:
            tab.errors.clear()
            tab.committed = tab.loaded = False
            evaluate(browser, session, "document.querySelector('form.time-travel').requestSubmit()")
            wait_load(browser, tab, f"the form.time-travel of {url}")
    found = evaluate(browser, session, INSPECT_JS % json.dumps(visit))
    tab.errors += [f"check-pages: invalid CSS selector {s!r}" for s in found.pop("bad")]
    shot = None
    if shots and visit.get("screenshot"):
        shot = screenshot(browser, session, os.path.join(shots, f"{visit['screenshot']}-{width}.png"), visit.get("screenshot_height"))
    browser.listener = None
    browser.call("Target.closeTarget", {"targetId": target})
    return {"path": visit["path"], "width": width, "url": found.pop("url"), "status": tab.status,
            "title": found.pop("title"), "errors": tab.errors, **found, "screenshot": shot}


def find_chromium(given: str | None) -> str:
    """The browser to run: --chromium, $CIVIC_CHROMIUM, or the first known name on PATH."""
    chosen = given or os.environ.get("CIVIC_CHROMIUM")
    for name in [chosen] if chosen else ["chromium", "chromium-browser", "google-chrome"]:
        if shutil.which(name):
            return shutil.which(name)
    raise Fatal(f"no browser at {chosen}" if chosen else "no chromium, chromium-browser or google-chrome on PATH")


def start_chromium(chromium: str, temp: str) -> subprocess.Popen:
    """Starts headless Chromium in its own process group, its stderr into temp/chromium.log."""
    with open(os.path.join(temp, "chromium.log"), "wb") as log:
        return subprocess.Popen(
            [chromium, "--headless=new", "--disable-gpu", "--no-sandbox", "--no-first-run",
             "--no-default-browser-check", "--disable-background-networking", "--disable-extensions",
             "--hide-scrollbars",
             f"--user-data-dir={os.path.join(temp, 'profile')}", "--remote-debugging-port=0", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)


def devtools_url(process: subprocess.Popen, chromium: str, temp: str) -> str:
    """The browser websocket URL, from the `DevTools listening on ws://...` line Chromium writes to stderr."""
    deadline = time.monotonic() + PAGE_TIMEOUT
    while time.monotonic() < deadline:
        with open(os.path.join(temp, "chromium.log"), encoding="utf-8", errors="replace") as log:
            text = log.read()
        if found := re.search(r"DevTools listening on (ws://\S+)", text):
            return found.group(1)
        if process.poll() is not None:
            last = (text.strip().splitlines() or ["no output"])[-1]
            raise Fatal(f"{chromium} exited with status {process.returncode}: {last}")
        time.sleep(0.05)
    raise Fatal(f"{chromium} did not open its DevTools port within {PAGE_TIMEOUT:.0f} s")


def stop_chromium(process: subprocess.Popen) -> None:
    """Ends Chromium and its helper processes (its process group): SIGTERM, then SIGKILL for what is left."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
            process.wait(5)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            pass


def load_script(path: str) -> list:
    """The visits of SCRIPT.json, checked for shape."""
    try:
        with open(path, encoding="utf-8") as handle:
            visits = json.load(handle)
    except (OSError, ValueError) as error:
        raise Fatal(f"cannot read {path}: {error}")
    if not isinstance(visits, list) or not all(isinstance(v, dict) and isinstance(v.get("path"), str) for v in visits):
        raise Fatal(f"{path}: expected a list of objects, each with a \"path\" string")
    return visits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Checks HTML pages in headless Chromium over DevTools.")
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8080")
    parser.add_argument("--chromium", help="the browser (default $CIVIC_CHROMIUM, else chromium on PATH)")
    parser.add_argument("--widths", default="1280,390", help="viewport widths, comma-separated (default 1280,390)")
    parser.add_argument("--screenshots", metavar="DIR", help="write DIR/<stem>-<width>.png for visits with one")
    parser.add_argument("script", metavar="SCRIPT.json")
    args = parser.parse_args(argv)
    widths = [int(w) for w in args.widths.split(",") if w.strip().isdigit()]
    if len(widths) != len(args.widths.split(",")) or min(widths) <= 0:
        parser.error(f"--widths: expected positive numbers separated by commas, not {args.widths!r}")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
    temp, process = tempfile.mkdtemp(prefix="check-pages-"), None
    try:
        visits = load_script(args.script)
        chromium = find_chromium(args.chromium)
        if args.screenshots:
            os.makedirs(args.screenshots, exist_ok=True)
        process = start_chromium(chromium, temp)
        browser = Browser(devtools_url(process, chromium, temp))
        for visit in visits:
            for width in widths:
                print(json.dumps(run_visit(browser, args.base, visit, width, args.screenshots)), flush=True)
        return 0
    except (Fatal, OSError) as error:
        print(f"check-pages: {error}", file=sys.stderr)
        return 2
    finally:
        if process:
            stop_chromium(process)
        shutil.rmtree(temp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
