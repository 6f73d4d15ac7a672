// The admin's live now (live auctions and lots, bids in the last minute, tabs watching), fed by the
// tab's one stream (liveClient, shared with the frame's alerts): the server pushes the figures whole
// when they change. Python hears only that the stream cannot connect (trigger "fallback": the page
// then polls) and, after that, that it is back ("restored").
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".live-now");
  const state = root.querySelector('[data-f="state"]');
  const show = (figures) => {
    for (const [name, value] of Object.entries(figures)) {
      const cell = root.querySelector(`[data-f="${name}"]`);
      if (cell) cell.textContent = value.toLocaleString();
    }
  };
  root.style.display = data.fallback ? "none" : "";
  show(data.figures);
  let connected = false;
  const giveUp = setTimeout(() => { if (!connected && !data.fallback) setTriggerValue("fallback", Date.now()); }, 5000);
  const unsubscribe = liveClient().subscribe("live_now", {
    lots: [],
    figures: true,
    hello() {
      connected = true;
      state.textContent = "Live";
      if (data.fallback) setTriggerValue("restored", Date.now());
    },
    live_now: show,
    error(refused) {
      connected = false;
      state.textContent = "Reconnecting…";
      if (refused && !data.fallback) setTriggerValue("fallback", Date.now());  // polling already: no rerun
    },
  });
  return () => {
    clearTimeout(giveUp);
    unsubscribe();
  };
}
