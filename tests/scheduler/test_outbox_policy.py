"""Which upserts write alert rows: new items at an alert level, once per story, never while
priming, again only when the level rises — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.article import Article, Level, Relevance
from core.config import ConfigError, load_config
from storage.batch import upsert_article
from storage.models import AlertOutbox, Item
from storage.outbox import (
    AlertPolicy,
    channel_name,
    compose_news,
    enqueue_news_alerts,
    policy_from_config,
)

MAIL = "mailto://user:s3cret@127.0.0.1:2525?to=ops@example.org"
HOOK = "json://127.0.0.1:8099/hook"
POLICY = AlertPolicy(channels=(channel_name(MAIL), channel_name(HOOK)))
BODY = ("VIENNA, 3 March 2024 – The OSCE and INTERPOL held a joint training course for border "
        "officers from Central Asia on the use of INTERPOL databases at border crossing points.")


def article(level: Level = Level.PRIMARY, **kw: object) -> Article:
    base: dict[str, object] = dict(
        source="osce", url="https://www.osce.org/secretariat/500001",
        title="OSCE and INTERPOL train border officers", body=BODY, place="VIENNA",
        published_at=datetime(2024, 3, 3, tzinfo=UTC),
        relevance=Relevance(level=level, score=0.9, reasons=[{"rule": "joint", "text": "joint"}]))
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def store(session: Session, a: Article, policy: AlertPolicy = POLICY) -> list[AlertOutbox]:
    rows = enqueue_news_alerts(session, upsert_article(session, a), policy, run_id=None)
    session.commit()
    return rows


def outbox(session: Session) -> list[tuple[int | None, str, str]]:
    rows = session.scalars(select(AlertOutbox).order_by(AlertOutbox.id))
    return [(r.item_id, r.event, r.channel) for r in rows]


def test_channel_names_hide_the_url() -> None:
    name = channel_name(MAIL)
    assert name.startswith("mailto-") and len(name) == len("mailto-") + 8
    assert "s3cret" not in name and channel_name(MAIL) == name != channel_name(HOOK)


def test_policy_from_config() -> None:
    cfg = load_config({"COOPWATCH_ALERT_URLS": f"{MAIL} {HOOK}",
                       "COOPWATCH_ALERT_LEVELS": "primary"})
    policy = policy_from_config(cfg, source_primed=False)
    assert policy.channels == (channel_name(MAIL), channel_name(HOOK))
    assert policy.levels == {"primary"} and policy.priming
    assert not policy_from_config(cfg, source_primed=True).priming
    assert policy_from_config(load_config({}), True).levels == {"primary", "secondary"}
    with pytest.raises(ConfigError, match="primery"):
        policy_from_config(load_config({"COOPWATCH_ALERT_LEVELS": "primery"}), True)


def test_new_item_gets_one_row_per_channel(session: Session) -> None:
    store(session, article())
    item_id = outbox(session)[0][0]
    assert outbox(session) == [(item_id, "new", POLICY.channels[0]),
                               (item_id, "new", POLICY.channels[1])]


def test_priming_and_low_levels_do_not_alert(session: Session) -> None:
    assert store(session, article(), AlertPolicy(channels=POLICY.channels, priming=True)) == []
    assert store(session, article(Level.MENTION, url="https://www.osce.org/node/2",
                                  title="Annual report", body="INTERPOL named once.")) == []
    assert outbox(session) == []


def test_unchanged_and_updated_items_do_not_alert_again(session: Session) -> None:
    store(session, article())
    assert store(session, article()) == []  # unchanged
    assert store(session, article(title="OSCE and INTERPOL train 20 border officers")) == []
    assert len(outbox(session)) == 2


def test_rising_level_alerts_once_per_rise(session: Session) -> None:
    store(session, article(Level.MENTION))
    assert outbox(session) == []
    rows = store(session, article(Level.SECONDARY, title="OSCE and INTERPOL officers trained"))
    assert {r.event for r in rows} == {"level:secondary"}
    rows = store(session, article(Level.PRIMARY, title="OSCE and INTERPOL officers trained 2"))
    assert {r.event for r in rows} == {"level:primary"}
    assert store(session, article(Level.PRIMARY, title="OSCE, INTERPOL officers trained")) == []


def test_second_organisation_of_a_story_does_not_alert_and_is_named(session: Session) -> None:
    store(session, article())
    other = article(source="interpol", url="https://www.interpol.int/News-and-Events/News/2024/x",
                    title="INTERPOL and OSCE train border officers",
                    published_at=datetime(2024, 3, 4, tzinfo=UTC))
    assert store(session, other) == []
    first = session.get_one(Item, outbox(session)[0][0])
    session.expire_all()  # the story now has a second item
    title, body = compose_news(first)
    assert "OSCE + INTERPOL" in title
    assert "https://www.interpol.int/" in body and "https://www.osce.org/" in body
