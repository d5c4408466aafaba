"""Schemathesis over the app's OpenAPI document: valid and invalid requests generated for every
operation (the JSON API and the feed routes) never get a 500; under /api every answer is also
one the document declares, with the declared content type and shape. (The feed routes do not
declare their 304/400/404 answers in the document, so they get the 500 check only.)

The operations are driven through their Hypothesis strategies rather than `schema.parametrize`
(schemathesis' fixture loader does not run under pytest 9), within a bounded number of
examples so the module stays well under a minute."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.config import load_config
from relevance import classify_article, load_rules
from storage import migrate
from storage.db import engine_for, session_scope
from storage.seed import import_seeds
from web.app import create_app

EXAMPLES_PER_MODE = 50
API_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]


@pytest.fixture(scope="module")
def web_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    """The document of an app on a classified seeded SQLite archive, with a token set (so the
    crawl endpoint answers 401, and never starts a crawl)."""
    data = tmp_path_factory.mktemp("schemathesis")
    url = f"sqlite:///{data / 'coopwatch.db'}"
    migrate.upgrade(url)
    rules = load_rules()
    with session_scope(url) as session:
        import_seeds(session, classify=lambda a: classify_article(a, rules))
    cfg = load_config({"COOPWATCH_DATABASE_URL": url, "COOPWATCH_CONFIG": "",
                       "COOPWATCH_DATA_DIR": str(data), "COOPWATCH_API_TOKEN": "secret"})
    yield schemathesis.openapi.from_asgi("/openapi.json", create_app(cfg))
    engine_for(url).dispose()


def exercise(operation: APIOperation, mode: GenerationMode, checks: list[CheckFunction],
             statuses: Counter[int]) -> None:
    """Up to EXAMPLES_PER_MODE generated requests to `operation`, each response checked."""
    @settings(max_examples=EXAMPLES_PER_MODE, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case: schemathesis.Case) -> None:
        statuses[case.call_and_validate(checks=checks).status_code] += 1

    call()


def test_no_operation_answers_500(web_schema: schemathesis.BaseSchema) -> None:
    statuses: Counter[int] = Counter()
    operations = [result.ok() for result in web_schema.get_all_operations()]
    assert {op.label for op in operations} >= {
        "GET /api/items", "GET /api/items/{item_id}", "GET /api/stories/{story_id}",
        "GET /api/sources", "GET /api/runs", "GET /api/runs/{run_id}",
        "POST /api/crawl/{source}", "GET /feeds/{name}.{ext}"}
    for operation in operations:
        checks = API_CHECKS if operation.path.startswith("/api/") else [not_a_server_error]
        # Without parameters there is nothing invalid to send.
        has_parameters = any(True for _ in operation.iter_parameters())
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)[:1 + has_parameters]:
            exercise(operation, mode, checks, statuses)
    print(f"schemathesis: {sum(statuses.values())} requests over {len(operations)} "
          f"operations, statuses {dict(sorted(statuses.items()))}")
    assert not any(code >= 500 for code in statuses)
