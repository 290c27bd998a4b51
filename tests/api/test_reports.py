"""Reports over the API: JSON and CSV, who may read what, and bad report requests.

The reports' own figures are tested against hand-computed fixtures with store.reports;
here the point is the HTTP side: parameters, roles, formats, problems.
"""

from __future__ import annotations

import csv
import io

from tests.api.support import Api, assert_problem

KINDS = ("overdue", "due-soon", "aging", "concurrence", "time-to-response",
         "open-over-a-year", "period")
PERIOD = {"from": "2022-01-01", "to": "2025-06-30"}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_every_kind_as_json_and_csv_for_office_and_manager(
        api: Api, ice_memo: str, cbp_memo: str) -> None:
    for who in ("office", "manager"):
        for kind in KINDS:
            response = await api[who].get(f"/reports/{kind}", params=PERIOD)
            assert response.status_code == 200, (kind, response.text)
            assert response.headers["content-type"] == "application/json"
            exported = await api[who].get(f"/reports/{kind}", params={**PERIOD,
                                                                      "format": "csv"})
            assert exported.status_code == 200, (kind, exported.text)
            assert exported.headers["content-type"] == "text/csv; charset=utf-8"
            assert f'filename="{kind}.csv"' in exported.headers["content-disposition"]
            assert exported.text.splitlines()[0], kind  # a header row


async def test_overdue_report_lists_the_overdue_memos(api: Api, ice_memo: str) -> None:
    response = await api["manager"].get("/reports/overdue", params={
        "component": "ICE", "limit": 500})
    items = response.json()
    assert {item["component"] for item in items} == {"ICE"}
    mine = [i for i in items if i["memo_id"] == ice_memo]
    assert [(i["clock"], i["due_on"]) for i in mine] == [("response", "2022-11-29")]
    exported = rows((await api["manager"].get("/reports/overdue", params={
        "component": "ICE", "limit": 500, "format": "csv"})).text)
    [row] = [r for r in exported if r["memo_id"] == ice_memo]
    assert row["due_on"] == "2022-11-29" and row["clock"] == "response"  # ISO dates
    assert int(row["days_overdue"]) == mine[0]["days_overdue"]


async def test_period_report_csv_has_one_row_per_unimplemented_recommendation(
        api: Api, ice_memo: str) -> None:
    params = {**PERIOD, "component": "ICE"}
    report = (await api["manager"].get("/reports/period", params=params)).json()
    assert report["date_from"] == "2022-01-01" and report["component"] == "ICE"
    exported = rows((await api["manager"].get("/reports/period", params={
        **params, "format": "csv"})).text)
    assert len(exported) == max(1, len(report["unimplemented"]))
    first = exported[0]
    assert first["open_at_end"] == str(report["open_at_end"])
    assert "closed_by_reason.implemented" in first
    if report["unimplemented"]:
        assert first["unimplemented.memo_id"] == report["unimplemented"][0]["memo_id"]


async def test_agency_reads_only_its_own_components_reports(api: Api, ice_memo: str) -> None:
    own = await api["ice"].get("/reports/overdue", params={"limit": 500})
    assert own.status_code == 200
    assert {item["component"] for item in own.json()} <= {"ICE"}
    assert ice_memo in {item["memo_id"] for item in own.json()}
    assert (await api["ice"].get("/reports/aging")).status_code == 200
    other = await api["ice"].get("/reports/overdue", params={"component": "CBP"})
    assert_problem(other, 403, "component")


async def test_bad_report_requests_are_problems(api: Api) -> None:
    manager = api["manager"]
    unknown = assert_problem(await manager.get("/reports/everything"), 404, "kind")
    assert all(kind in unknown["detail"] for kind in KINDS)
    inverted = await manager.get("/reports/period", params={"from": "2025-01-01",
                                                            "to": "2024-12-31"})
    assert_problem(inverted, 422, "from")
    inverted = await manager.get("/reports/concurrence", params={"from": "2025-01-01",
                                                                 "to": "2024-12-31"})
    assert_problem(inverted, 422, "from")
    assert_problem(await manager.get("/reports/period", params={"to": "2024-12-31"}), 422,
                   "from")
    assert_problem(await manager.get("/reports/overdue", params={"limit": 10**9}), 422,
                   "limit")
    assert_problem(await manager.get("/reports/overdue", params={"format": "xlsx"}), 422,
                   "format")
    assert_problem(await manager.get("/reports/period", params={"from": "2024-02-30"}), 422,
                   "from")
    assert_problem(await api["anon"].get("/reports/overdue"), 401)
