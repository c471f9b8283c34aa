import json

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


def test_readiness_answers_200_naming_each_part_when_all_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "cache": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_liveness_is_a_plain_ok(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")
