// The lot board, pushed: one EventSource per tab (GET /live), rendered here, with a countdown that
// ticks from the server's end time corrected by the server-vs-browser clock offset. Python hears only
// what it must act on (trigger "act": outbid / closed / won) and when the stream cannot connect
// (trigger "fallback": the page then polls, and "restored" stops that once the stream is back).
const streams = new Map();  // lot list -> {source, since}: one stream per tab, kept across reruns

function text(node, value) { node.textContent = value; }

function countdown(board, offsetMs) {
  const left = Math.floor((Date.parse(board.ends_at) - (Date.now() + offsetMs)) / 1000);
  if (!board.open || left <= 0) return board.open ? "closed" : "—";
  const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return h ? `${h}h ${pad(m)}m ${pad(s)}s` : `${m}m ${pad(s)}s`;
}

// The soft-close cap: late bids extend a lot, never past it. Its time alone when it falls on the
// closing day (the notes line must stay short on a phone, above the bid form).
function capText(board, timeZone, when) {
  const day = (iso) => new Date(iso).toLocaleDateString([], { timeZone });
  const cap = new Date(board.latest_end_at);
  return day(board.latest_end_at) === day(board.ends_at)
    ? cap.toLocaleTimeString([], { timeZone, timeStyle: "short" }) : cap.toLocaleString([], when);
}

function draw(root, board, offsetMs, timeZone) {
  const f = (name) => root.querySelector(`[data-f="${name}"]`);
  text(f("price"), board.price);
  text(f("leader"), board.leader);
  text(f("bids"), `${board.bid_count} from ${board.bidder_count}`);
  text(f("countdown"), countdown(board, offsetMs));
  const when = { timeZone, month: "short", day: "numeric", hour: "numeric", minute: "2-digit" };
  const closes = new Date(board.ends_at).toLocaleString([], when);
  const notes = f("notes");
  const lowest = board.open ? ` · lowest next bid ${board.minimum_next}` : "";
  const cap = board.open && board.latest_end_at ? `, no later than ${capText(board, timeZone, when)}` : "";
  notes.replaceChildren(`${board.status} · ${board.reserve}${lowest} · closes ${closes}${cap}`);
  if (board.extended) {
    const badge = document.createElement("span");
    badge.className = "extended";
    badge.textContent = "extended by a late bid";
    notes.append(" · ", badge);
  }
  const rows = board.last_bids.map((line) => {
    const row = document.createElement("tr");
    const when = new Date(line.at).toLocaleTimeString([], { timeZone });
    for (const value of [when, line.bidder, line.price]) {
      const cell = document.createElement("td");
      cell.textContent = value;
      row.append(cell);
    }
    return row;
  });
  f("last").tBodies[0].replaceChildren(...rows);
  f("last").style.display = rows.length ? "" : "none";
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".live-board");
  const url = `/live?lots=${data.lots.join(",")}`;
  let board = data.board, offsetMs = Date.parse(data.now) - Date.now(), connected = false;
  const state = root.querySelector('[data-f="state"]');
  const show = () => draw(root, board, offsetMs, data.timezone);
  root.style.display = data.fallback ? "none" : "";
  show();

  const kept = streams.get(url) || { since: `${board.lot_id}:${board.version}` };
  kept.source?.close();
  const source = new EventSource(`${url}&since=${encodeURIComponent(kept.since)}`);
  kept.source = source;
  streams.set(url, kept);
  const giveUp = setTimeout(() => { if (!connected) setTriggerValue("fallback", Date.now()); }, 5000);

  source.addEventListener("hello", (event) => {
    offsetMs = Date.parse(JSON.parse(event.data).now) - Date.now();
    connected = true;
    text(state, "Live");
    if (data.fallback) setTriggerValue("restored", Date.now());
  });
  source.addEventListener("board", (event) => {
    const next = JSON.parse(event.data);
    kept.since = event.lastEventId;
    const before = board;
    board = next;
    show();
    if (before.leader === "you" && next.leader !== "you" && next.open) setTriggerValue("act", "outbid");
    else if (before.open && !next.open) setTriggerValue("act", next.leader === "you" ? "won" : "closed");
  });
  source.onerror = () => {
    connected = false;
    text(state, "Reconnecting…");
    if (source.readyState === EventSource.CLOSED) setTriggerValue("fallback", Date.now());  // refused
  };
  let ended = false;
  const tick = setInterval(() => {
    text(root.querySelector('[data-f="countdown"]'), countdown(board, offsetMs));
    const left = Date.parse(board.ends_at) - (Date.now() + offsetMs);
    if (board.open && left <= 0 && !ended) {  // Python settles a lot past its end on read
      ended = true;
      setTriggerValue("act", "closed");
    }
  }, 250);
  return () => {
    clearInterval(tick);
    clearTimeout(giveUp);
    source.close();
  };
}
