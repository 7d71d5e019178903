"""Schemathesis against /api/v1/openapi.json (issue 8): generated requests, valid and invalid, for every
documented operation, sent as a cooperative officer and as a provincial approver; none may give a 500.
(The PostgreSQL pass sends the same requests to PostgreSQL.)"""
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.helpers import api_token

EXAMPLES_PER_OPERATION = 40


def test_no_generated_request_gives_a_server_error(app, client):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tokens = [api_token(client, name) for name in ("coop_officer", "province_approver")]
    operations = [result.ok() for result in schema.get_all_operations()]
    # Revoking the token is fuzzed last: after it the tokens no longer open anything.
    operations.sort(key=lambda op: op.label == "DELETE /auth/token")
    sent, failures = [], []

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            for token in tokens:
                response = case.call(headers={"Authorization": f"Bearer {token}"})
                sent.append(response.status_code)
                if response.status_code >= 500:
                    failures.append((case.method, case.formatted_path, response.status_code, response.text[:200]))
                assert response.status_code < 500

        fuzz()
    assert failures == []
    assert len(operations) >= 30 and len(sent) >= 2000, (len(operations), len(sent))
    print(f"fuzzed {len(operations)} operations with {len(sent)} requests; statuses "
          f"{sorted(set(sent))}; server errors: {len(failures)}")
