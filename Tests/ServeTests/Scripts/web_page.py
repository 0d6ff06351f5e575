"""The web page of `ponder serve` in headless Chromium, driven by Selenium.

Usage: web_page.py BASE_URL            the whole page against a server with the default model
       web_page.py BASE_URL --key KEY  the API-key prompt against a server started with --api-key KEY

With PONDER_SCREENSHOTS=DIR it saves each state in light and dark as DIR/web-<state>-<theme>.png.
Prints measurements (page weight, first paint) as one JSON line, then "ok".
"""
import http.client
import json
import os
import sys
import time
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

BASE = sys.argv[1]
ORIGIN = BASE[: -len("/v1")] if BASE.endswith("/v1") else BASE
KEY = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--key" else None
SHOTS = os.environ.get("PONDER_SCREENSHOTS")
# Hang guards only: each wait ends as soon as its condition holds.
ANSWER_WAIT = 120
# What the script is doing, for the message when it fails.
STEP = ["start"]


def at_step(name):
    STEP[0] = name


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,1000"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def raw_get(path, headers=None, host=None):
    """GET `path` exactly as written (no normalisation of '..' or escapes): status, type, body."""
    parsed = urllib.parse.urlparse(ORIGIN)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host or parsed.netloc)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, response.getheader("Content-Type") or "", body


def shoot(driver, state):
    """Saves the page in light and dark (the page follows prefers-color-scheme)."""
    if not SHOTS:
        return
    os.makedirs(SHOTS, exist_ok=True)
    for theme in ["light", "dark"]:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": theme}]})
        time.sleep(0.2)  # a repaint, for the picture only
        driver.save_screenshot(os.path.join(SHOTS, f"web-{state}-{theme}.png"))
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "light"}]})


def last_turn(driver):
    turns = driver.find_elements(By.CSS_SELECTOR, "article.turn.assistant")
    return turns[-1] if turns else None


def ask(driver, question, wait=True):
    count = len(driver.find_elements(By.CSS_SELECTOR, "article.turn.assistant"))
    box = driver.find_element(By.ID, "input")
    box.clear()
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    WebDriverWait(driver, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "article.turn.assistant")) > count)
    if wait:
        WebDriverWait(driver, ANSWER_WAIT).until(lambda d: last_turn(d).get_attribute("data-state"))
    return last_turn(driver)


def info():
    status, _, body = raw_get("/ponder/info", {"Authorization": f"Bearer {KEY}"} if KEY else None)
    assert status == 200, (status, body)
    return json.loads(body)


def key_prompt():
    """--api-key: the page loads without the key, asks for it once, keeps it in the tab."""
    status, _, _ = raw_get("/")
    assert status == 200, status
    assert raw_get("/ponder/info")[0] == 401
    assert raw_get("/files/chatcmpl-0123456789abcdef01234567/figure-1.png")[0] == 401
    driver = browser()
    try:
        driver.get(ORIGIN + "/")
        dialog = WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "key-dialog") if d.find_element(By.ID, "key-dialog").get_attribute("open") is not None else None)
        field = driver.find_element(By.ID, "key-input")
        field.send_keys("wrong-key")
        field.send_keys(Keys.ENTER)
        # A refused key asks again, saying so.
        WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "key-dialog").get_attribute("open") is not None and d.find_element(By.ID, "key-error").is_displayed())
        field.clear()
        field.send_keys(KEY)
        field.send_keys(Keys.ENTER)
        WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "model-name").text.endswith(".gguf"))
        assert dialog.get_attribute("open") is None
        assert driver.execute_script("return sessionStorage.getItem('ponder-api-key')") == KEY
        # The browser logs the two refused requests (401) as errors; nothing else.
        others = [e for e in console_errors(driver) if "401" not in e["message"]]
        assert not others, others
    finally:
        driver.quit()


def xss(driver):
    """Model text with HTML and script renders as text: through the whole page (a stream
    the test plays in place of the server's) and through the renderer itself."""
    hostile = '<img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> [click](javascript:window.__xss=3) **bold** <b>b</b>'
    chunks = [
        {"choices": [{"delta": {"role": "assistant", "content": ""}}]},
        {"choices": [{"delta": {"content": hostile}}]},
        {"choices": [{"delta": {}, "finish_reason": "stop"}]},
    ]
    stream = "".join(f"data: {json.dumps(chunk)}\n\n" for chunk in chunks) + "data: [DONE]\n\n"
    driver.execute_script(
        """const body = arguments[0], realFetch = window.fetch;
        window.fetch = (url, options) => {
          if (url !== '/v1/chat/completions') return realFetch(url, options);
          window.fetch = realFetch;
          return Promise.resolve(new Response(body, {headers: {'Content-Type': 'text/event-stream'}}));
        };
        window.Ponder.send('Say something hostile');""",
        stream,
    )
    turn = WebDriverWait(driver, 30).until(lambda d: last_turn(d) if last_turn(d).get_attribute("data-state") else None)
    answer = turn.find_element(By.CSS_SELECTOR, ".answer")
    assert "<img src=x onerror=" in answer.text and "<script>" in answer.text, answer.text
    assert not answer.find_elements(By.CSS_SELECTOR, "img, script, b, a"), answer.get_attribute("outerHTML")
    assert answer.find_elements(By.CSS_SELECTOR, "strong"), "Markdown still renders"
    rendered = driver.execute_script(
        """const box = document.createElement('div');
        box.append(window.Ponder.renderMarkdown(arguments[0] + '\\n\\n[ok](https://example.com/a) <svg onload=alert(1)>'));
        document.body.append(box);
        const result = {tags: [...box.querySelectorAll('*')].map(e => e.tagName), links: [...box.querySelectorAll('a')].map(a => a.href)};
        box.remove();
        return result;""",
        hostile,
    )
    assert set(rendered["tags"]) <= {"P", "STRONG", "A", "BR"}, rendered
    assert rendered["links"] == ["https://example.com/a"], rendered
    # Arithmetic keeps its stars: emphasis needs word boundaries.
    arithmetic = "1*2*3*4 = 24, 2**10 = 1024, (4 * 3) * (2 * 1) = 24"
    shown = driver.execute_script(
        """const box = document.createElement('div');
        box.append(window.Ponder.renderMarkdown(arguments[0]));
        return [box.textContent, box.querySelectorAll('em, strong').length];""",
        arithmetic,
    )
    assert shown == [arithmetic, 0], shown
    time.sleep(0.5)  # an onerror handler, were an image made, would have run by now
    assert driver.execute_script("return window.__xss") is None


def traversal(figure):
    """Figures: the run's own files only; every way out of the folder is a 404."""
    run = figure.split("/")[2]
    status, kind, body = raw_get(figure)
    assert status == 200 and kind == "image/png" and body[:4] == b"\x89PNG", (status, kind, body[:20])
    attacks = [
        "/files/../../../../etc/passwd",
        f"/files/{run}/../../../../../etc/passwd",
        f"/files/{run}/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        f"/files/{run}/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/files/%2e%2e/%2e%2e/etc/passwd",
        f"/files/{run}/figure-1.png%00.png",
        f"/files/{run}/.hidden.png",
        "/files/chatcmpl-0123456789abcdef01234567/figure-1.png",
        f"/files/{run}/../{run}/figure-1.png",
        "/files//etc/passwd",
    ]
    for path in attacks:
        status, _, body = raw_get(path)
        assert status in (400, 404), (path, status, body[:200])
        assert b"root:" not in body


def paint_timing(driver):
    """Paint times (ms after navigation start) and the page's decoded bytes, from the Performance API."""
    return driver.execute_script(
        """const paint = performance.getEntriesByType('paint');
        const navigation = performance.getEntriesByType('navigation')[0];
        const resources = performance.getEntriesByType('resource').filter(r => !r.name.includes('/ponder/info'));
        return {paint: Object.fromEntries(paint.map(p => [p.name, p.startTime])),
                bytes: navigation.decodedBodySize + resources.reduce((sum, r) => sum + r.decodedBodySize, 0),
                files: 1 + resources.length};"""
    )


def page(driver):
    measurements = {}
    driver.get(ORIGIN + "/")
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "model-name").text.endswith(".gguf"))
    timing = paint_timing(driver)
    # Again in the warm browser: the page's own cost, without starting Chromium's renderer.
    driver.get(ORIGIN + "/")
    WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "model-name").text.endswith(".gguf"))
    warm = paint_timing(driver)
    measurements["first_paint_ms"] = round(timing["paint"].get("first-paint", -1), 1)
    measurements["first_contentful_paint_ms"] = round(timing["paint"].get("first-contentful-paint", -1), 1)
    measurements["warm_first_paint_ms"] = round(warm["paint"].get("first-paint", -1), 1)
    measurements["warm_first_contentful_paint_ms"] = round(warm["paint"].get("first-contentful-paint", -1), 1)
    measurements["page_bytes"] = timing["bytes"]
    measurements["page_files"] = timing["files"]
    assert 0 < timing["bytes"] < 100_000, timing
    assert timing["paint"], timing
    assert not console_errors(driver), console_errors(driver)
    headers = raw_get("/")
    assert headers[0] == 200 and headers[1].startswith("text/html"), headers[:2]
    # The page keeps the server's rules: a foreign Host (DNS rebinding) is refused.
    assert raw_get("/", host="rebound.example:80")[0] == 403
    assert raw_get("/app.js", host="rebound.example")[0] == 403

    at_step("settings")
    # Settings: the model read-only, the temperature the server's default.
    driver.find_element(By.ID, "settings-toggle").click()
    assert driver.find_element(By.ID, "setting-model").text == info()["model"]
    shoot(driver, "welcome")
    driver.find_element(By.ID, "settings-toggle").click()

    at_step("shift-enter")
    # Shift+Enter starts a new line and sends nothing.
    box = driver.find_element(By.ID, "input")
    box.send_keys("first line")
    box.send_keys(Keys.SHIFT, Keys.ENTER)
    box.send_keys("second line")
    assert box.get_attribute("value") == "first line\nsecond line"
    assert not driver.find_elements(By.CSS_SELECTOR, "article.turn")

    at_step("calculation")
    # A calculation: the answer with the calculator's step.
    turn = ask(driver, "What is 24*78?")
    assert turn.get_attribute("data-state") == "done", turn.text
    assert "1872" in turn.find_element(By.CSS_SELECTOR, ".answer").text, turn.text
    step = turn.find_element(By.CSS_SELECTOR, "details.step")
    assert step.find_element(By.CSS_SELECTOR, ".tool").text == "calc" and "ok" in step.get_attribute("class"), step.get_attribute("outerHTML")
    step.find_element(By.TAG_NAME, "summary").click()
    assert "1872" in step.find_element(By.CSS_SELECTOR, ".body").text
    shoot(driver, "calculator")

    at_step("plot")
    # A plot: the figure inline, served from the run's folder.
    turn = ask(driver, "Make a bar chart of the numbers 57, 73, 23, 54.")
    assert turn.get_attribute("data-state") == "done", turn.text
    image = WebDriverWait(driver, 30).until(lambda d: turn.find_element(By.CSS_SELECTOR, ".figures img"))
    width = WebDriverWait(driver, 30).until(lambda d: d.execute_script("const i = arguments[0]; return i.complete && i.naturalWidth", image))
    assert width > 100, width
    assert driver.execute_script("return window.Ponder.state.messages.length") == 4
    shoot(driver, "figure")
    traversal(image.get_attribute("data-source"))

    at_step("deliberate")
    # Deliberate: the tree grows, the chosen path is marked, an answer comes.
    driver.find_element(By.ID, "new-chat").click()
    assert not driver.find_elements(By.CSS_SELECTOR, "article.turn")
    driver.find_element(By.ID, "deliberate").click()
    budget = driver.find_element(By.ID, "budget")
    budget.clear()
    budget.send_keys("12")
    turn = ask(driver, "Use 1 2 3 4 to make 24.", wait=False)
    WebDriverWait(driver, 60).until(lambda d: len(turn.find_elements(By.CSS_SELECTOR, "svg.tree g.node")) >= 3)
    assert "Thinking" in turn.find_element(By.CSS_SELECTOR, ".thinking").text
    shoot(driver, "thinking")
    WebDriverWait(driver, ANSWER_WAIT).until(lambda d: turn.get_attribute("data-state"))
    assert turn.get_attribute("data-state") == "done", turn.text
    nodes = turn.find_elements(By.CSS_SELECTOR, "svg.tree g.node")
    assert len(nodes) >= 3, len(nodes)
    assert turn.find_elements(By.CSS_SELECTOR, "svg.tree g.node.chosen"), "the chosen path is highlighted"
    assert turn.find_element(By.CSS_SELECTOR, ".answer").text.strip(), turn.text
    assert "24" in turn.find_element(By.CSS_SELECTOR, ".answer").text
    # Every thought the search wrote reached the page: the tree holds them and the root.
    thoughts = int(turn.find_element(By.CSS_SELECTOR, ".thinking .stats").text.split(" thoughts")[0])
    assert len(nodes) == thoughts + 1, (len(nodes), thoughts)
    measurements["tree_nodes"] = len(nodes)
    measurements["pruned_nodes"] = len(turn.find_elements(By.CSS_SELECTOR, "svg.tree g.node.pruned"))
    chosen = turn.find_elements(By.CSS_SELECTOR, "svg.tree g.node.chosen")[-1]
    driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", chosen)
    assert "#" in turn.find_element(By.CSS_SELECTOR, ".node-detail").text
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", turn)
    shoot(driver, "deliberate")

    at_step("stop")
    # Stop: a long search stopped from the page ends on the server too.
    driver.find_element(By.ID, "new-chat").click()
    budget.clear()
    budget.send_keys("600")
    turn = ask(driver, "Why do leaves change colour in autumn?", wait=False)
    WebDriverWait(driver, 60).until(lambda d: info()["running"] == 1)
    WebDriverWait(driver, 60).until(lambda d: len(turn.find_elements(By.CSS_SELECTOR, "svg.tree g.node")) >= 2)
    driver.find_element(By.ID, "stop").click()
    WebDriverWait(driver, 30).until(lambda d: turn.get_attribute("data-state"))
    assert turn.find_element(By.CSS_SELECTOR, ".status").text == "Stopped.", turn.text
    assert driver.find_element(By.ID, "send").is_displayed()
    WebDriverWait(driver, 30).until(lambda d: info()["running"] == 0)
    driver.find_element(By.ID, "deliberate").click()

    at_step("tools off")
    # Tools off (settings): the model answers alone, no step.
    driver.find_element(By.ID, "settings-toggle").click()
    driver.find_element(By.ID, "tools").click()
    driver.find_element(By.ID, "settings-toggle").click()
    turn = ask(driver, "What is 2+3?")
    assert turn.get_attribute("data-state") == "done" and not turn.find_elements(By.CSS_SELECTOR, "details.step"), turn.text

    at_step("hostile text")
    xss(driver)
    at_step("console")
    assert not console_errors(driver), console_errors(driver)
    return measurements


def main():
    if KEY:
        key_prompt()
        print("ok")
        return
    driver = browser()
    try:
        measurements = page(driver)
    except Exception:
        turn = last_turn(driver)
        print(f"failed at: {STEP[0]}; last answer: {turn.text if turn else None!r}", file=sys.stderr)
        raise
    finally:
        driver.quit()
    print(json.dumps(measurements))
    print("ok")


if __name__ == "__main__":
    main()
