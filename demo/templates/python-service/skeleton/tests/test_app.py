from fastapi.testclient import TestClient

from ${{ values.package }}.app import app


def test_health() -> None:
    response = TestClient(app).get("/health")
    assert response.json() == {"status": "ok", "service": "${{ values.name }}"}
