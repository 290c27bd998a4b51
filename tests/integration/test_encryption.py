"""Case data never reaches Temporal in clear (issue 11): with a key in RECTRACK_HOME, the
worker, the CLI and the API encrypt every payload; after the example memo is issued and
answered on the dev server, the dev server's database holds none of its texts, names or
e-mail addresses, nor do its search attributes; the codec endpoint decodes for an office
token only, with CORS for the Temporal UI's origin; a client with the wrong key fails with
a clear message."""

from __future__ import annotations

import base64
from pathlib import Path

import yaml

from app.encryption import new_key_line
from tests.api.support import serving
from tests.integration.support import (
    ICE_MEMO,
    ICE_RESPONSE,
    run_cli,
    running_stack,
    unique_id,
    write_memo,
)
from workflows.search_attributes import CLI_TYPES

TEMPORALS_OWN = {"BuildIds", "TemporalChangeVersion"}  # the server's, set by the SDK


def secrets_of(memo: Path, response: Path) -> list[str]:
    """Every text, name and e-mail address of the example memo and its response."""
    spec = yaml.safe_load(memo.read_text(encoding="utf-8"))
    answer = yaml.safe_load(response.read_text(encoding="utf-8"))
    found = [spec["title"], *(r["text"] for r in spec["recommendations"])]
    for contact in spec["contacts"].values():
        found += [contact["name"], *([contact["email"]] if contact.get("email") else [])]
    found += [r["rationale"] for r in answer["responses"] if r.get("rationale")]
    return [text for text in found if len(text) >= 6]


async def test_the_dev_servers_database_holds_no_case_text(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "encryption.key").write_text(new_key_line("k1") + "\n", encoding="utf-8")
    memo_id = unique_id("ENC")
    async with running_stack(home, prefix="enc") as stack:
        await stack.issue(write_memo(tmp_path, memo_id))
        answered = await stack.cli("respond", memo_id, "--file", ICE_RESPONSE)
        assert answered.returncode == 0, answered
        live = await stack.cli("show", memo_id, "--live", "--json")
        assert live.returncode == 0 and live.json()["title"], live  # the CLI decrypts

        wrong = {**stack.env, "RECTRACK_ENCRYPTION_KEYS": new_key_line("k1")}
        refused = await run_cli("show", memo_id, "--live", env=wrong)
        assert refused.returncode != 0
        assert "does not decrypt" in refused.stderr, refused.stderr

        # Search attributes are stored and indexed in clear: they hold ids, states and
        # dates only, never a text, a name or an address.
        described = await stack.handle(memo_id).describe()
        attributes = {pair.key.name: str(pair.value)
                      for pair in described.typed_search_attributes
                      if pair.key.name not in TEMPORALS_OWN}
        assert set(attributes) == set(CLI_TYPES), attributes
        assert [v for v in attributes.values()
                if any(secret in v for secret in secrets_of(ICE_MEMO, ICE_RESPONSE))] == []

        history = await stack.handle(memo_id).fetch_history()
        started = history.events[0].workflow_execution_started_event_attributes
        [payload] = started.input.payloads
        assert payload.metadata["encoding"] == b"binary/encrypted"
        async with serving(stack, {"office": ("office", None),
                                   "manager": ("manager", None)}) as api:
            body = {"payloads": [{"metadata": {k: _b64(v) for k, v in payload.metadata.items()},
                                  "data": _b64(payload.data)}]}
            ui = {"Origin": "http://localhost:8233"}
            decoded = await api["office"].post("/codec/decode", json=body, headers=ui)
            forbidden = await api["manager"].post("/codec/decode", json=body)
            foreign = await api["office"].options("/codec/decode",
                                                  headers={"Origin": "https://evil.example"})
        assert decoded.status_code == 200, decoded.text
        assert decoded.headers["access-control-allow-origin"] == "http://localhost:8233"
        plain = _unb64(decoded.json()["payloads"][0]["data"]).decode()
        assert memo_id in plain and "facial recognition" in plain.lower()
        assert forbidden.status_code == 403
        assert "access-control-allow-origin" not in foreign.headers

    stored = b"".join(path.read_bytes() for path in home.glob("temporal.db*"))
    assert memo_id.encode() in stored  # workflow ids are not payloads: the right file
    leaked = [text for text in secrets_of(ICE_MEMO, ICE_RESPONSE)
              if text.encode() in stored]
    assert leaked == []


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)
