// One lot's price, reserve, bids and ticking time left on an auction page's card, fed by the tab's one
// stream (liveClient: all the page's cards subscribe, one EventSource carries them). Never reruns Python.
export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector(".lot-ticker");
  let board = data.board, offsetMs = Date.parse(data.now) - Date.now();
  root.dataset.lot = board.lot_id;
  const f = (name) => root.querySelector(`[data-f="${name}"]`);
  const show = () => {
    f("price").textContent = board.price;
    f("facts").textContent = [board.reserve, `${board.bid_count} bids`].filter(Boolean).map((x) => ` · ${x}`).join("");
    f("countdown").textContent = board.open ? `closes in ${liveCountdown(board, offsetMs)}` : board.status;
  };  // the countdown ticks by redrawing: four text nodes, no layout work
  show();
  const unsubscribe = liveClient().subscribe(`ticker:${board.lot_id}`, {
    lots: [board.lot_id],
    hello(serverOffsetMs) { offsetMs = serverOffsetMs; },
    board(next) {
      if (next.lot_id !== board.lot_id || next.version < board.version) return;
      board = next;
      show();
    },
  });
  const tick = setInterval(show, 250);
  return () => { clearInterval(tick); unsubscribe(); };
}
