"""Issue 13: the API documentation pages load their assets from the service itself."""

import re

from fastapi.testclient import TestClient


def test_docs_and_redoc_use_local_assets(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        r = client.get(page)
        assert r.status_code == 200, page
        assets = re.findall(r'(?:src|href)="([^"]+)"', r.text)
        assert assets, page
        for url in assets:
            assert not url.startswith(("http:", "https:", "//")), (page, url)
            got = client.get(url)
            assert got.status_code == 200 and len(got.content) > 100, (page, url)
    assert client.get("/openapi.json").json()["info"]["title"] == "shipopt"
