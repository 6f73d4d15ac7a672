// The lot board, pushed: fed by the tab's one stream (liveClient, shared with the frame's alerts),
// rendered here, with a countdown that ticks from the server's end time corrected by the
// server-vs-browser clock offset. Python hears only what it must act on (trigger "act": outbid /
// closed / won) and when the stream cannot connect (trigger "fallback": the page then polls, and
// "restored" stops that once the stream is back).

function text(node, value) { node.textContent = value; }

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
  text(f("countdown"), liveCountdown(board, offsetMs));
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
  let board = data.board, offsetMs = Date.parse(data.now) - Date.now(), connected = false;
  const state = root.querySelector('[data-f="state"]');
  const show = () => draw(root, board, offsetMs, data.timezone);
  root.style.display = data.fallback ? "none" : "";
  show();

  // The bid form is Python's: when other bids raise the lowest bid, Python redraws it (at most once a
  // second however fast bids come; never for a watcher who cannot bid, never while nothing changes).
  let raising = null;
  const raiseSoon = () => {
    raising ??= setTimeout(() => { raising = null; setTriggerValue("act", "raised"); }, 1000);
  };
  const giveUp = setTimeout(() => { if (!connected && !data.fallback) setTriggerValue("fallback", Date.now()); }, 5000);
  const unsubscribe = liveClient().subscribe(`board:${data.lots.join(",")}`, {
    lots: data.lots,
    hello(serverOffsetMs) {
      offsetMs = serverOffsetMs;
      connected = true;
      text(state, "Live");
      if (data.fallback) setTriggerValue("restored", Date.now());
    },
    board(next) {
      if (next.lot_id !== board.lot_id || next.version < board.version) return;
      const before = board;
      board = next;
      show();
      if (before.leader === "you" && next.leader !== "you" && next.open) setTriggerValue("act", "outbid");
      else if (before.open && !next.open) setTriggerValue("act", next.leader === "you" ? "won" : "closed");
      else if (data.follow && next.open && next.minimum_next !== before.minimum_next) raiseSoon();
    },
    error(refused) {
      connected = false;
      text(state, "Reconnecting…");
      if (refused && !data.fallback) setTriggerValue("fallback", Date.now());  // polling already: no rerun
    },
  });
  let ended = false;
  const tick = setInterval(() => {
    text(root.querySelector('[data-f="countdown"]'), liveCountdown(board, offsetMs));
    const left = Date.parse(board.ends_at) - (Date.now() + offsetMs);
    if (board.open && left <= 0 && !ended) {  // Python settles a lot past its end on read
      ended = true;
      setTriggerValue("act", "closed");
    }
  }, 250);
  return () => {
    clearInterval(tick);
    clearTimeout(giveUp);
    clearTimeout(raising);
    unsubscribe();
  };
}
