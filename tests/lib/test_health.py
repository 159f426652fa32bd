async def test_healthz_touches_nothing(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_checks_the_database(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


async def test_openapi_document_lists_the_api(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/totals", "/api/activities/batch", "/api/people", "/api/programmes"):
        assert path in paths


async def test_the_openapi_document_names_the_app(client):
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Movement"


async def test_security_headers_on_every_response(client):
    for path in ("/healthz", "/api/totals", "/api/nothing-here", "/schema"):
        response = await client.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert "unsafe-inline" not in response.headers["content-security-policy"]


async def test_unknown_paths_are_json_404s(client):
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["message"]


async def test_401_says_how_to_sign_in(client):
    response = await client.get("/api/people")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Bearer" in response.json()["message"]
