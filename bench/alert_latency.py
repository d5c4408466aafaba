"""Alert latency: a new item stored → the mail received by a local SMTP server.

`coopwatch run` (a real process) checks the replica's OSCE site every 1.2 s with an alert
channel `mailto://` to an aiosmtpd server on 127.0.0.1. After the silent priming run, items
about OSCE–INTERPOL co-operation are published on the replica one at a time; for each, the
receipt time of its mail is compared with the end of the crawl run that stored it
(crawl_run.finished_at, the figure), with the item's first_seen_at (when it was stored) and with
the moment it was published (end to end, which includes waiting for the next check).
Baseline: the same apprise `mailto://` send to the same server, done directly (the floor any
alert path pays). Target: ≤ 1 s after the crawl ends.
"""

from __future__ import annotations

import email
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import benchlib
from benchlib import bench_env, free_port, parser, process, wait_until
from benchreplica import serve_replica

TARGET_S = 1.0
# Distinct stories: a repeated text would be a near-duplicate (no alert), a similar title in
# the same week the same story (one alert per story).
STORIES = (
    ("OSCE and INTERPOL sign joint action plan against trafficking in human beings",
     "The OSCE and INTERPOL today signed a joint action plan to strengthen their co-operation "
     "against trafficking in human beings, with joint training and information exchange."),
    ("OSCE and INTERPOL train prosecutors on cybercrime and digital evidence",
     "The OSCE and INTERPOL organized a joint course for prosecutors on cybercrime "
     "investigations, digital evidence and INTERPOL's secure police communications system."),
    ("Joint OSCE-INTERPOL workshop on stolen and lost travel documents at borders",
     "Border guards learned to query INTERPOL's database of stolen and lost travel documents "
     "at a joint OSCE-INTERPOL workshop on border security."),
    ("OSCE and INTERPOL step up co-operation against foreign terrorist fighters",
     "Senior officials of the OSCE and INTERPOL agreed to share information on foreign "
     "terrorist fighters and to hold joint exercises next year."),
    ("OSCE and INTERPOL project targets illicit small arms trafficking",
     "A new joint project of the OSCE and INTERPOL helps police trace illicit small arms and "
     "light weapons with INTERPOL's firearms tools."),
)


class Mailbox:
    """aiosmtpd handler: every message with the wall-clock time it was received."""

    def __init__(self) -> None:
        self.received: list[tuple[float, Message]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        at = time.time()
        with self.lock:
            self.received.append((at, email.message_from_bytes(envelope.content)))
        return "250 OK"

    def find(self, words: str) -> float | None:
        with self.lock:
            return next((at for at, msg in self.received if words in str(msg["Subject"])
                         or words in msg.as_string()), None)


def stored_times(url: str, title: str) -> dict[str, float] | None:
    """first_seen_at of the item and finished_at of the run that stored it (epoch seconds)."""
    from sqlalchemy import select

    from storage.db import session_scope
    from storage.models import AlertOutbox, CrawlRun, Item

    with session_scope(url) as session:
        row = session.execute(
            select(Item.first_seen_at, CrawlRun.finished_at)
            .join(AlertOutbox, AlertOutbox.item_id == Item.id)
            .join(CrawlRun, CrawlRun.id == AlertOutbox.run_id)
            .where(Item.title == title)).first()
    first_seen, finished = row if row is not None else (None, None)
    if first_seen is None or finished is None:
        return None
    return {"first_seen": first_seen.timestamp(), "finished": finished.timestamp()}


def direct_send_s(mail_url: str, box: Mailbox, repeat: int) -> list[float]:
    from scheduler.alerts import send

    send(mail_url, "[coopwatch] warm-up", "warm-up")  # apprise's first use imports plugins
    out = []
    for n in range(repeat):
        tag = f"direct-{n}-{time.time()}"
        started = time.time()
        ok, error = send(mail_url, f"[coopwatch] {tag}", "baseline")
        if not ok:
            raise RuntimeError(f"apprise could not send: {error}")
        at = wait_until("the direct mail arrived", lambda tag=tag: box.find(tag), 30)
        out.append(at - started)
    return out


def main() -> int:
    p = parser(__doc__)
    p.add_argument("--items", type=int, default=5, help="items published, one at a time")
    args = p.parse_args()
    items = 2 if args.quick else args.items
    report = benchlib.Report("alert_latency", args)
    from aiosmtpd.controller import Controller

    from replica.state import ReplicaState
    from storage import migrate

    box = Mailbox()
    smtp_port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    mail_url = (f"mailto://127.0.0.1:{smtp_port}?from=coopwatch@example.org"
                "&to=desk@example.org")
    rows: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="coopwatch-bench-alert-") as tmp, \
                serve_replica(ReplicaState()) as replica:
            data = Path(tmp) / "data"
            env = bench_env(data, COOPWATCH_PORT=str(free_port()), COOPWATCH_CHECK_SOURCES="osce",
                            COOPWATCH_CHECK_EVERY_MIN="0.02", COOPWATCH_JITTER_S="0",
                            COOPWATCH_BASE_URL=replica.base_url,
                            COOPWATCH_DOWNLOAD_DELAY_S="0", COOPWATCH_ALERT_URLS=mail_url,
                            COOPWATCH_CRAWL_TIMEOUT_S="120", COOPWATCH_SHUTDOWN_GRACE_S="5")
            url = env["COOPWATCH_DATABASE_URL"]
            migrate.upgrade(url)
            with process([benchlib.COOPWATCH, "run"], env, Path(tmp) / "daemon.log") as daemon:
                def primed() -> bool:
                    from storage.db import session_scope
                    from storage.models import Source

                    with session_scope(url) as session:
                        return session.get_one(Source, "osce").primed_at is not None
                wait_until("osce is primed", primed, 180, 0.2)
                for n in range(items):
                    title, body = STORIES[n % len(STORIES)]
                    title = f"{title} ({n + 1})"
                    day = date.today() - timedelta(days=10 * n)  # a week apart: other stories
                    published = time.time()
                    replica.publish("osce", title=title, body=body, relevance="primary",
                                    place="VIENNA", date=day.isoformat())
                    mailed = wait_until(f"the mail for item {n + 1}", lambda t=title: box.find(t),
                                        120, 0.01)
                    times = wait_until("its run is recorded",
                                       lambda t=title: stored_times(url, t), 30)
                    rows.append({"title": title, "published": published, "mailed": mailed,
                                 **times, "after_crawl_s": mailed - times["finished"],
                                 "after_store_s": mailed - times["first_seen"],
                                 "end_to_end_s": mailed - published})
                    print(f"  item {n + 1}: mail {rows[-1]['after_crawl_s']:.3f} s after the "
                          f"crawl ended, {rows[-1]['end_to_end_s']:.2f} s after publishing",
                          flush=True)
                if daemon.poll() is not None:
                    raise RuntimeError("the daemon died")
        direct = direct_send_s(mail_url, box, 3 if args.quick else 5)
    finally:
        controller.stop()
    after_crawl = [r["after_crawl_s"] for r in rows]
    worst = max(after_crawl)
    report.add("mail after the crawl ended (median)", benchlib.median(after_crawl), "s",
               baseline=benchlib.median(direct), baseline_name="direct apprise send",
               target=f"≤ {TARGET_S:g} s", met=worst <= TARGET_S,
               note=f"worst {worst:.3f} s of {len(rows)}")
    report.add("mail after the crawl ended (worst)", worst, "s")
    report.add("mail after the item was stored (median)",
               benchlib.median([r["after_store_s"] for r in rows]), "s")
    report.add("mail after publishing, end to end (median)",
               benchlib.median([r["end_to_end_s"] for r in rows]), "s",
               note="includes waiting for the next check (every 1.2 s) and the crawl")
    report.details = {"items": rows, "direct_send_s": direct,
                      "stored_at": datetime.now().isoformat(timespec="seconds")}
    report.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
