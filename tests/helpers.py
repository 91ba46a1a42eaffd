"""Assertions shared by the test modules."""


def assert_problem(response, status: int, code: str) -> dict:
    """The response is an RFC 9457 problem document with this status and code; returns its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["detail"]
    return body


def assert_fields_refused(response, *, unknown=(), read_only=()) -> dict:
    """A 400 naming each field the body may not carry (shop/core/serializers.py); returns the errors."""
    errors = assert_problem(response, 400, "validation_error")["errors"]
    for name in unknown:
        assert errors.get(name) == ["Unknown field."], errors
    for name in read_only:
        assert errors.get(name) == ["This field is read-only."], errors
    return errors
