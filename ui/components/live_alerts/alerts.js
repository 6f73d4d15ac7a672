// The signed-in user's alerts (outbid, won, ending soon, the dealer's decision, a cancelled lot) as a
// toast on whatever page is open, drawn here in the browser; Python reruns (trigger "alert") only so
// the notification count and list on screen show the new one.
const ICONS = { outbid: "⚠️", won: "🏆", lost: "🔨", ending_soon: "⏳", decision_needed: "⚖️",
                reserve_not_met: "⚖️", sold: "💰", bid_removed: "🚫", bought_now: "🔨" };

function toastBox() {
  let box = document.getElementById("autogavel-live-alerts");
  if (!box) {  // on the page's body, not in Streamlit's tree: a rerun does not wipe a toast
    box = document.createElement("div");
    box.id = "autogavel-live-alerts";
    Object.assign(box.style, { position: "fixed", right: "1rem", bottom: "1rem", zIndex: 100000,
                               display: "flex", flexDirection: "column", gap: ".5rem", maxWidth: "24rem" });
    document.body.append(box);
  }
  return box;
}

function toast(alert) {
  const note = document.createElement("div");
  note.dataset.testid = "live-alert";
  note.setAttribute("role", "status");
  Object.assign(note.style, { background: "#fff", color: "#1f2430", borderRadius: ".5rem", padding: ".75rem 1rem",
                              boxShadow: "0 4px 16px rgba(0,0,0,.2)", fontFamily: "sans-serif",
                              fontSize: ".9rem", cursor: "pointer" });
  note.textContent = `${ICONS[alert.kind] || "🔔"} ${alert.message}`;
  if (alert.lot_id) {
    const link = document.createElement("a");
    link.href = `/lot?id=${alert.lot_id}`;
    link.textContent = " View lot";
    note.append(link);
  }
  note.addEventListener("click", () => note.remove());
  toastBox().append(note);
  setTimeout(() => note.remove(), 10000);
}

export default function (component) {
  const { setTriggerValue } = component;
  return liveClient().subscribe("alerts", {
    lots: [],
    alert(alert) {
      toast(alert);
      setTriggerValue("alert", alert.id);  // a new notice: the unread count on screen goes up
    },
  });
}
