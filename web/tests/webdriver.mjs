// A minimal W3C WebDriver client (fetch-based) and a geckodriver launcher, for the Firefox tests:
// npm's driver packages would download browser binaries, which this project never does.
import { spawn } from "node:child_process";
import { createServer } from "node:net";

const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

/** Starts geckodriver and a headless Firefox session; resolves to a `Session`. */
export async function firefox() {
  const port = await freePort();
  const driver = spawn(process.env.GECKODRIVER ?? "geckodriver", ["--port", String(port), "--host", "127.0.0.1"], {
    stdio: "ignore",
    env: { ...process.env, MOZ_HEADLESS: "1" },
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      await fetch(`${base}/status`);
      break;
    } catch (e) {
      if (i > 100) throw new Error(`geckodriver did not start: ${e}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const prefs = {
    "app.update.enabled": false,
    "browser.shell.checkDefaultBrowser": false,
    "browser.safebrowsing.malware.enabled": false,
    "browser.safebrowsing.phishing.enabled": false,
    "datareporting.policy.dataSubmissionEnabled": false,
    "extensions.update.enabled": false,
    "network.captive-portal-service.enabled": false,
    "network.connectivity-service.enabled": false,
    "toolkit.telemetry.enabled": false,
  };
  const response = await fetch(`${base}/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      capabilities: {
        alwaysMatch: {
          browserName: "firefox",
          "moz:firefoxOptions": { binary: process.env.FIREFOX ?? "/usr/bin/firefox-esr", args: ["-headless"], prefs },
        },
      },
    }),
  });
  const { value } = await response.json();
  if (!value.sessionId) throw new Error(`no Firefox session: ${JSON.stringify(value)}`);
  return new Session(`${base}/session/${value.sessionId}`, driver);
}

/** One browser session: the few WebDriver commands the tests need. */
export class Session {
  constructor(url, driver) {
    this.url = url;
    this.driver = driver;
  }

  async command(method, path, body) {
    const response = await fetch(this.url + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const { value } = await response.json();
    if (value && value.error) throw new Error(`${value.error}: ${value.message}`);
    return value;
  }

  goto(url) {
    return this.command("POST", "/url", { url });
  }

  /** Runs `script` (a function body; `arguments` holds `args`) in the page. */
  run(script, ...args) {
    return this.command("POST", "/execute/sync", { script, args });
  }

  /** Polls `script` until it returns something truthy. */
  async until(script, timeout = 10_000) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await this.run(script);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for: ${script}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async element(css) {
    const found = await this.command("POST", "/element", { using: "css selector", value: css });
    return Object.values(found)[0];
  }

  async click(css) {
    await this.command("POST", `/element/${await this.element(css)}/click`, {});
  }

  async type(css, text) {
    const id = await this.element(css);
    await this.command("POST", `/element/${id}/clear`, {});
    await this.command("POST", `/element/${id}/value`, { text });
  }

  /** Types `text` into whatever has the focus, key by key (WebDriver actions), leaving the caret
   * and the rest of the text as they are. */
  async keys(text) {
    const actions = [...text].flatMap((key) => [{ type: "keyDown", value: key }, { type: "keyUp", value: key }]);
    await this.command("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
  }

  async close() {
    try {
      await this.command("DELETE", "");
    } finally {
      this.driver.kill();
    }
  }
}
