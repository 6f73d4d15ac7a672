"""A watcher's board survives a server restart: A watches a lot on a server that stops (its stream and
its Streamlit session are cut), B bids meanwhile through another server on the same store, the server
starts again on the same port, and A's board catches up by itself with what it missed: the latest
price and bid count, the missed bids in its list, nothing twice."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Locator, Page, Route, expect

from tests.e2e.conftest import a_live_lot, app_server, demo_accounts, sign_in
from tests.e2e.test_live_push import place_bid

pytestmark = pytest.mark.e2e


def prices_listed(board: Locator) -> list[str]:
    """The board's last bids, newest first, by price (the bidder column differs by viewer)."""
    return board.locator("[data-f='last'] tbody tr td:nth-child(3)").all_inner_texts()


def test_a_board_cut_off_by_a_restart_catches_up(page: Page, second_page: Page, app_url: str,
                                                app_data_dir: Path, tmp_path: Path) -> None:
    accounts = demo_accounts(page, app_url)
    lot_id = a_live_lot(app_data_dir, nth=4)  # its own lot: it bids high
    sign_in(page, app_url, *accounts["bidder"])  # cookies ignore the port: signed in on every server
    sign_in(second_page, app_url, *accounts["admin"])
    log = tmp_path / "restarted.log"

    with app_server(app_data_dir, log) as url:
        page.goto(f"{url}/lot?id={lot_id}")
        board = page.get_by_test_id("live-board")
        expect(board).to_be_visible()  # a server just started draws its first page slowly on a busy host
        place_bid(page, 300_000)  # above any demo bidder's hidden maximum: A leads
        expect(board.locator("[data-f='leader']")).to_have_text("you")
        expect(board.get_by_text("Live", exact=True)).to_be_visible()
        price_before = board.locator("[data-f='price']").inner_text()
        seen_before = prices_listed(board)
        assert seen_before, "the board lists no bids"
    # Stopped: A's stream and its Streamlit session are cut. B bids through the other server.
    expect(board.locator("[data-f='state']")).not_to_have_text("Live")  # it knows it is cut off
    second_page.goto(f"{app_url}/lot?id={lot_id}")
    place_bid(second_page, 600_000)
    bidders_board = second_page.get_by_test_id("live-board")
    expect(bidders_board.locator("[data-f='leader']")).to_have_text("you")
    price, bids = (bidders_board.locator(f"[data-f='{name}']").inner_text() for name in ("price", "bids"))
    missed = prices_listed(bidders_board)
    assert price != price_before and missed != seen_before
    expect(board.locator("[data-f='price']")).to_have_text(price_before)  # nothing reached A meanwhile

    with app_server(app_data_dir, log, port=urlparse(url).port):
        expect(board.get_by_text("Live", exact=True)).to_be_visible()  # the stream is back, not polling
        outbid = page.get_by_test_id("live-alert").filter(has_text="You were outbid on the")
        expect(outbid).to_have_count(1)  # the alert A missed, once (a toast stays 10 s)
        expect(board.locator("[data-f='price']")).to_have_text(price)
        expect(board.locator("[data-f='bids']")).to_have_text(bids)
        expect(board.locator("[data-f='last'] tbody tr")).to_have_count(len(missed))
        assert prices_listed(board) == missed  # the missed bids, each once, in order
        rows = board.locator("[data-f='last'] tbody tr").all_inner_texts()
        assert len(set(rows)) == len(rows), rows
        expect(page.get_by_test_id("live-board")).to_have_count(1)
        expect(page.get_by_text("Live updates could not connect")).to_have_count(0)


def test_a_refused_board_polls_then_comes_back_by_itself(page: Page, app_url: str,
                                                         app_data_dir: Path) -> None:
    """Refused (503: a full or stopping server), the board polls and says so, and the tab tries the
    stream again backing off (it once retried and reran the page three times a second); once streams
    are let through again, it reconnects by itself and polling stops, with nobody touching it."""
    accounts = demo_accounts(page, app_url)
    lot_id = a_live_lot(app_data_dir, nth=4)
    sign_in(page, app_url, *accounts["bidder"])

    def is_stream(url: str) -> bool:
        return "/live?" in url

    def refuse(route: Route) -> None:
        route.fulfill(status=503, headers={"Retry-After": "2"}, body="Too many live connections.")

    page.route(is_stream, refuse)
    page.goto(f"{app_url}/lot?id={lot_id}")
    polling = page.get_by_text("Live updates could not connect")
    expect(polling).to_be_visible()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if is_stream(request.url) else None)
    page.wait_for_timeout(10_000)  # refused all along: the tab backs off, it does not hammer
    assert len(asked) <= 5, f"{len(asked)} stream requests in 10 s while refused"
    page.unroute(is_stream, refuse)
    expect(page.get_by_test_id("live-board").get_by_text("Live", exact=True)).to_be_visible()
    expect(polling).to_have_count(0)
