"""Reading a report's CSV file as HQ's spreadsheet program would."""

from __future__ import annotations

import csv
import io


async def csv_rows(client, path: str, token: str | None, **params: str) -> list[list[str]]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await client.http.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


async def csv_refusal(client, path: str, token: str | None, **params: str) -> tuple[int, str]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await client.http.get(path, params=params, headers=headers)
    return response.status_code, response.json()["errors"][0]["code"]
