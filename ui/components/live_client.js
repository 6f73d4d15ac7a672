// One EventSource per tab (GET /live), shared by every live component on the page: the frame's
// alerts and any boards. Each subscribes with the lots it shows (and the admin's live-now panel with
// `figures: true`); the client opens the stream for their union and reopens it, passing what the tab
// has (`since`), only when that union changes (a rerun that unsubscribes and subscribes the same lots
// keeps the stream). Events go to every subscriber.
function liveClient() {
  if (window.__autogavelLive) return window.__autogavelLive;
  const subs = new Set();
  const client = { source: null, url: null, since: "", connected: false, offsetMs: 0, timer: null,
                   backoffMs: 0, retryAt: 0 };
  const each = (name, value) => { for (const sub of subs) sub[name]?.(value); };
  function open() {
    if (!subs.size) { client.source?.close(); client.source = client.url = null; return; }
    const lots = [...new Set([...subs].flatMap((sub) => sub.lots))].sort((a, b) => a - b);
    const figures = [...subs].some((sub) => sub.figures) ? "&figures=live_now" : "";
    const url = `/live?lots=${lots.join(",")}${figures}`;
    if (url === client.url && client.source?.readyState !== EventSource.CLOSED) return;
    client.source?.close();
    client.connected = false;
    const source = new EventSource(`${url}&since=${encodeURIComponent(client.since)}`);
    Object.assign(client, { source, url });
    source.addEventListener("hello", (event) => {
      client.offsetMs = Date.parse(JSON.parse(event.data).now) - Date.now();
      client.connected = true;
      client.backoffMs = client.retryAt = 0;
      each("hello", client.offsetMs);
    });
    for (const kind of ["board", "alert"]) {
      source.addEventListener(kind, (event) => {
        client.since = event.lastEventId;
        each(kind, JSON.parse(event.data));
      });
    }
    source.addEventListener("live_now", (event) => each("live_now", JSON.parse(event.data)));
    source.onerror = () => {
      client.connected = false;
      const refused = source.readyState === EventSource.CLOSED;  // 401, 503: EventSource gives up
      if (refused) {  // so we try again ourselves, backing off: a full server is not hammered
        client.backoffMs = Math.min(30000, (client.backoffMs || 1000) * 2);
        client.retryAt = Date.now() + client.backoffMs;
        reopenIn(client.backoffMs);
      }
      each("error", refused);
    };
  }
  // Never sooner than a refused stream's backoff, whoever asks (a component redrawn by a rerun too).
  const reopenIn = (ms) => {
    clearTimeout(client.timer);
    client.timer = setTimeout(open, Math.max(ms, client.retryAt - Date.now()));
  };
  const byKey = new Map();  // a component drawn again (a rerun) replaces its own subscription
  client.subscribe = (key, sub) => {
    byKey.get(key)?.();
    subs.add(sub);
    reopenIn(30);
    if (client.connected) sub.hello?.(client.offsetMs);
    const unsubscribe = () => {
      if (!subs.delete(sub)) return;
      if (byKey.get(key) === unsubscribe) byKey.delete(key);
      reopenIn(300);
    };
    byKey.set(key, unsubscribe);
    return unsubscribe;
  };
  window.__autogavelLive = client;
  return client;
}


// "1h 02m 05s" left on a board, by the server's clock (offsetMs: server minus browser).
function liveCountdown(board, offsetMs) {
  const left = Math.floor((Date.parse(board.ends_at) - (Date.now() + offsetMs)) / 1000);
  if (!board.open || left <= 0) return board.open ? "closed" : "—";
  const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return h ? `${h}h ${pad(m)}m ${pad(s)}s` : `${m}m ${pad(s)}s`;
}

