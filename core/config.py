"""All configuration in one flat list: name, default, help, secret.

Precedence: environment variable > TOML file (COOPWATCH_CONFIG) > default. The TOML key of an
option is its name without the COOPWATCH_ prefix, in lower case (``check_every_min = 15``).
Tables in the TOML file (``[relevance]``, ``[sources.NAME]``) configure subsystems and are read
by them via ``Config.table(name)`` (the sources' by core.sources.registry). The README's option
table is generated from OPTIONS (a test checks it).
"""

from __future__ import annotations

import os
import socket
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message says which and how to fix."""


@dataclass(frozen=True)
class Option:
    name: str
    default: Any
    help: str
    secret: bool = False

    @property
    def key(self) -> str:
        return self.name.removeprefix("COOPWATCH_").lower()


OPTIONS: tuple[Option, ...] = (
    Option("COOPWATCH_DATA_DIR", "./data", "Directory for the SQLite archive, job store and logs"),
    Option("COOPWATCH_CONFIG", "", "Path of a TOML file with any of these options and tables"),
    Option(
        "COOPWATCH_DATABASE_URL",
        "sqlite:///{data_dir}/coopwatch.db",
        "SQLAlchemy URL of the archive (sqlite:///… or postgresql+psycopg://…)",
        secret=True,
    ),
    Option("COOPWATCH_HOST", "127.0.0.1", "Address the feed/web server binds to"),
    Option("COOPWATCH_PORT", 8080, "Port of the feed/web server"),
    Option("COOPWATCH_PUBLIC_URL", "", "Public base URL used in feed links (default: http://HOST:PORT)"),
    Option("COOPWATCH_WEB_QUEUE_S", 15,
           "Seconds a web request may wait for its turn when the server is busy; then 503 "
           "with Retry-After"),
    Option("COOPWATCH_WEBSUB_HUB", "",
           "WebSub hub URL: every feed links it (rel=\"hub\", with rel=\"self\" under "
           "COOPWATCH_PUBLIC_URL) and the hub is pinged when a feed's content changes"),
    Option("COOPWATCH_CHECK_EVERY_MIN", "",
           "Check each source at this fixed interval in minutes instead of the adaptive "
           "schedule (fractions allowed; per source: interval_minutes in a [sources.NAME] "
           "table)"),
    Option("COOPWATCH_DAILY_REQUESTS", 48,
           "Adaptive schedule: scheduled checks per source and day, spent in the hours the "
           "source publishes (an idle check is one conditional request; 48 costs what a "
           "30-minute interval does; per source: daily_requests in a [sources.NAME] table)"),
    Option("COOPWATCH_MIN_CHECK_EVERY_MIN", 5,
           "Adaptive schedule: never check a source more often than every this many minutes"),
    Option("COOPWATCH_MAX_CHECK_EVERY_MIN", 120,
           "Adaptive schedule: check a source at least every this many minutes (unless it "
           "asks for longer with Retry-After or Cache-Control: max-age)"),
    Option("COOPWATCH_CRAWL_TIMEOUT_S", 900, "Seconds after which a crawl child is killed"),
    Option("COOPWATCH_USER_AGENT", "coopwatch/0.1 (+https://github.com/coopwatch/coopwatch)",
           "User-Agent of the spiders: name the project and a contact URL"),
    Option("COOPWATCH_SINCE", "2010-01-01", "How far back a source's first crawl backfills"),
    Option("COOPWATCH_MAX_PAGES", 50, "Most listing pages one crawl follows"),
    Option("COOPWATCH_FULL_LISTING_EVERY_H", 6,
           "Hours between two walks of the OSCE newsroom listing on scheduled checks"),
    Option("COOPWATCH_DOWNLOAD_DELAY_S", 1.0, "Seconds between two requests to one site"),
    Option("COOPWATCH_DOWNLOAD_TIMEOUT_S", 30, "Seconds to wait for one page"),
    Option("COOPWATCH_MAX_PAGE_BYTES", 2_000_000, "Pages larger than this are refused"),
    Option("COOPWATCH_FALLBACK_ALARM_SHARE", 0.5,
           "Share of articles whose title/date came only from a fallback that raises an alarm"),
    Option("COOPWATCH_SEARCH_TIMEOUT_S", 10,
           "Seconds after which a search (`coopwatch query`, /api/items, the search page) is "
           "stopped"),
    Option("COOPWATCH_FEED_SIZE", 50, "Entries per feed"),
    Option("COOPWATCH_FEED_LEVELS", "primary secondary", "Relevance levels in the combined feed"),
    Option("COOPWATCH_ALERT_URLS", "", "Apprise URLs for news alerts, space separated",
           secret=True),
    Option("COOPWATCH_HEALTH_URLS", "", "Apprise URLs for source-health alarms", secret=True),
    Option("COOPWATCH_ALERT_LEVELS", "primary secondary", "Levels that raise an alert"),
    Option("COOPWATCH_API_TOKEN", "", "Token required by POST /api/crawl/…", secret=True),
    # The monitor (`coopwatch run`), its alerts and source-health alarms.
    Option("COOPWATCH_CHECK_SOURCES", "all",
           "Sources the monitor checks, space separated (all: every enabled source)"),
    Option("COOPWATCH_MAX_PARALLEL_CRAWLS", 2,
           "Most crawls the monitor runs at once (never two of one host); a check that "
           "finds none free waits its turn"),
    Option("COOPWATCH_BASE_URL", "",
           "Crawl the built-in sources from this base URL instead of their sites (the "
           "replica, a mirror); configured sources crawl their own start_urls"),
    Option("COOPWATCH_JITTER_S", 120, "Up to this many seconds of random delay per check"),
    Option("COOPWATCH_INSTANCE", "",
           "Name of this monitor in crawl leases, run records and logs, so several monitors "
           "on one PostgreSQL tell apart (default: HOSTNAME-PID)"),
    Option("COOPWATCH_LEASE_S", 60,
           "Seconds a crawl's lease on its source lasts without a heartbeat (renewed every "
           "third of it); a source whose crawl died is taken over after this"),
    Option("COOPWATCH_LOG_FORMAT", "text",
           "The monitor's console: text (one line per check and per alert batch) or json "
           "(one JSON object per line, for log shippers)"),
    Option("COOPWATCH_RUN_LOG_DAYS", 14,
           "Days each crawl run's full log (DATA_DIR/logs/runs/RUN_ID.log) is kept; the "
           "monitor prunes older ones (0: keep them all)"),
    Option("COOPWATCH_SHUTDOWN_GRACE_S", 30,
           "On SIGTERM, seconds a running crawl may take to finish before it is killed"),
    Option("COOPWATCH_ALERT_MAX_TRIES", 8, "Delivery attempts before an alert is marked dead"),
    Option("COOPWATCH_ALERT_RETRY_S", 60,
           "Seconds before the first retry of a failed alert; doubles each try, at most 6 h"),
    Option("COOPWATCH_ALERT_DIGEST", False,
           "Send one message per channel and delivery pass instead of one per item"),
    Option("COOPWATCH_ERROR_STREAK", 3, "Failed crawls in a row that raise a health alarm"),
    Option("COOPWATCH_STALE_FACTOR", 5,
           "Alarm when nothing new was found for this many times the source's usual gap "
           "between items (0: never)"),
)

_BY_NAME = {o.name: o for o in OPTIONS}


@dataclass(frozen=True)
class Config:
    values: dict[str, Any]
    tables: dict[str, dict[str, Any]]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get_int(self, name: str) -> int:
        try:
            return int(self.values[name])
        except (TypeError, ValueError) as err:
            raise ConfigError(f"{name} must be a whole number, got {self.values[name]!r}") from err

    def get_float(self, name: str) -> float:
        try:
            return float(self.values[name])
        except (TypeError, ValueError) as err:
            raise ConfigError(f"{name} must be a number, got {self.values[name]!r}") from err

    def get_seconds(self, name: str) -> float:
        value = self.get_float(name)
        if not value > 0:  # NaN too
            raise ConfigError(f"{name} must be a number of seconds above 0, got {value!r}")
        return value

    def get_bool(self, name: str) -> bool:
        value = self.values[name]
        if isinstance(value, bool):
            return value
        if str(value).strip().lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).strip().lower() in ("", "0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name} must be true or false, got {value!r}")

    def get_list(self, name: str) -> list[str]:
        value = self.values[name]
        return list(value) if isinstance(value, list) else str(value).split()

    def table(self, name: str) -> dict[str, Any]:
        return self.tables.get(name, {})

    @cached_property
    def data_dir(self) -> Path:
        return Path(self.values["COOPWATCH_DATA_DIR"]).expanduser()

    @property
    def instance(self) -> str:
        """This monitor's name (COOPWATCH_INSTANCE, default HOSTNAME-PID)."""
        return str(self.values["COOPWATCH_INSTANCE"] or f"{socket.gethostname()}-{os.getpid()}")

    @property
    def database_url(self) -> str:
        return str(self.values["COOPWATCH_DATABASE_URL"]).format(data_dir=self.data_dir)

    def redacted(self) -> dict[str, Any]:
        return {o.name: ("***" if o.secret and self.values[o.name] else self.values[o.name])
                for o in OPTIONS}


def load_config(env: dict[str, str] | None = None) -> Config:
    """Read the TOML file named by COOPWATCH_CONFIG (if any), then the environment."""
    env = dict(os.environ if env is None else env)
    path = env.get("COOPWATCH_CONFIG", "")
    file_values: dict[str, Any] = {}
    if path:
        try:
            file_values = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as err:
            raise ConfigError(f"COOPWATCH_CONFIG names {path}, which does not exist") from err
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{path} is not valid TOML: {err}") from err
    values: dict[str, Any] = {}
    for opt in OPTIONS:
        values[opt.name] = env.get(opt.name, file_values.get(opt.key, opt.default))
    unknown = [k for k, v in file_values.items() if not isinstance(v, dict) and
               f"COOPWATCH_{k.upper()}" not in _BY_NAME]
    if unknown:
        raise ConfigError(f"{path}: unknown option(s) {', '.join(sorted(unknown))}")
    tables = {k: v for k, v in file_values.items() if isinstance(v, dict)}
    return Config(values=values, tables=tables)
