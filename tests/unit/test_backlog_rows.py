"""Bad rows of a backlog file, each named by row and column (issue 9).

A bad row holds back its whole memo: the plan lists the memo's rows under `held_back`
and brings in none of them, while other memos of the file go ahead.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from backlog.check import plan_backlog
from backlog.columns import ColumnMap
from backlog.read import read_table
from domain.backlog import BacklogPlan

TODAY = date(2026, 11, 30)
MEMO = {"memo_id": "CRCL-2023-ICE-001", "title": "Detention standards", "component": "ICE",
        "issued_on": "2023-03-06"}
CONCUR = {"decision": "concur", "received_on": "2023-05-01", "plan_official": "Director",
          "plan_target_on": "2024-06-30"}
IMPLEMENTED = {**CONCUR, "resolution": "resolved", "resolved_on": "2023-05-15",
               "closure_reason": "implemented", "closed_on": "2024-06-01",
               "evidence_uri": "https://records.example/1.pdf", "evidence_title": "Directive"}


def rec(number: int, **history: str) -> dict[str, str]:
    return {**MEMO, "number": str(number), "text": f"Recommendation {number}", **history}


def plan_rows(tmp_path: Path, rows: list[dict[str, str]],
              column_map: ColumnMap | None = None) -> BacklogPlan:
    headers = list(dict.fromkeys(k for row in rows for k in row))
    path = tmp_path / "backlog.csv"
    with path.open("w", newline="") as out:
        writer = csv.DictWriter(out, headers)
        writer.writeheader()
        writer.writerows(rows)
    return plan_backlog(read_table(path), column_map, path.name, TODAY)


def where(plan: BacklogPlan) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in plan.problems]


def test_a_full_history_plans_with_its_closure_and_evidence(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, **IMPLEMENTED), rec(2, **CONCUR), rec(3)])
    assert plan.problems == []
    memo = plan.memos[0]
    closure = memo.history_of(1).closure
    assert closure is not None and closure.evidence[0].title == "Directive"
    assert memo.history_of(2).action_plan is not None
    assert memo.history_of(3).decision is None


def test_a_blank_justification_says_the_closure_came_from_the_file(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, **IMPLEMENTED, closure_justification="")])
    closure = plan.memos[0].history_of(1).closure
    assert closure is not None
    assert closure.justification == "Closed before rectrack (imported from backlog.csv row 2)"


def test_dates_in_another_format_are_refused_without_a_date_format(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, **{**CONCUR, "received_on": "05/01/2023"})])
    assert where(plan) == [(2, "received_on")]
    assert "05/01/2023" in plan.problems[0].problem


def test_a_map_date_format_reads_dates_in_that_format(tmp_path: Path) -> None:
    row = {**rec(1), "issued_on": "03/06/2023"}
    plan = plan_rows(tmp_path, [row], ColumnMap(date_format="%m/%d/%Y"))
    assert plan.problems == [] and plan.memos[0].spec.issued_on == date(2023, 3, 6)


def test_a_decision_word_not_in_the_vocabulary_is_refused(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, **{**CONCUR, "decision": "agree"})])
    assert where(plan) == [(2, "decision")]
    assert "concur, partially_concur, non_concur" in plan.problems[0].problem


def test_a_closure_without_a_reason_is_refused(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, **{**IMPLEMENTED, "closure_reason": ""})])
    assert where(plan) == [(2, "closure_reason")]
    assert plan.problems[0].problem.startswith("a closure needs a reason")


def test_a_closure_as_implemented_without_evidence_is_refused(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, **{**IMPLEMENTED, "evidence_uri": "",
                                          "evidence_title": ""})])
    assert where(plan) == [(2, "evidence_uri")]


def test_a_non_concurrence_without_rationale_is_refused(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, decision="non_concur", received_on="2023-05-01")])
    assert where(plan) == [(2, "rationale")]


def test_a_non_concurrence_marked_resolved_needs_its_closure(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, decision="non_concur", rationale="No funds.",
                                    received_on="2023-05-01", resolution="resolved",
                                    resolved_on="2023-06-01")])
    assert where(plan) == [(2, "closure_reason")]


def test_a_decision_without_its_date_and_a_date_without_a_decision(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, decision="concur"), rec(2, received_on="2023-05-01")])
    assert where(plan) == [(2, "received_on"), (3, "decision")]


def test_half_an_action_plan_is_refused(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, **{**CONCUR, "plan_target_on": ""})])
    assert where(plan) == [(2, "plan_target_on")]


def test_a_date_the_workflow_would_refuse_is_named_by_its_column(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, **{**IMPLEMENTED, "closed_on": "2023-04-01"})])
    assert where(plan) == [(2, "closed_on")]
    assert "before the response" in plan.problems[0].problem


def test_two_rows_for_one_recommendation_that_disagree_are_refused(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, **CONCUR), rec(1, **{**CONCUR, "received_on":
                                                             "2023-05-02"})])
    assert where(plan) == [(3, "received_on")]
    assert plan.problems[0].problem == ("recommendation 1 is also on row 2, which says "
                                        "2023-05-01")


def test_identical_rows_for_one_recommendation_merge_silently(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, **CONCUR), rec(1, **CONCUR)])
    assert plan.problems == [] and len(plan.memos[0].recommendations) == 1


def test_a_memo_whose_rows_disagree_on_its_issue_date_is_refused(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1), rec(2), {**rec(3), "issued_on": "2023-03-07"}])
    assert where(plan) == [(4, "issued_on")]
    assert plan.problems[0].problem == "2023-03-07 disagrees with row 2 (2023-03-06)"


def test_an_issue_date_after_tomorrow_is_refused(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [{**rec(1), "issued_on": "2026-12-02"}])
    assert where(plan) == [(2, "issued_on")]


def test_a_bad_row_holds_back_its_whole_memo_and_only_it(tmp_path: Path) -> None:
    other = {**rec(1), "memo_id": "CRCL-2023-CBP-002"}
    plan = plan_rows(tmp_path, [rec(1, **CONCUR), rec(2, decision="agree",
                                                      received_on="2023-05-01"), other])
    assert where(plan) == [(3, "decision")]
    assert plan.held_back == {"CRCL-2023-ICE-001": [2, 3]}
    assert [m.spec.memo_id for m in plan.memos] == ["CRCL-2023-CBP-002"]


def test_contacts_come_from_the_contact_columns(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, component_email="liaison@ice.example",
                                    case_officer="Pat Doe")])
    contacts = plan.memos[0].spec.contacts
    assert contacts["component"].email == "liaison@ice.example"
    assert contacts["case_officer"].name == "Pat Doe"


def test_a_response_window_gives_the_due_date_when_none_is_given(tmp_path: Path) -> None:
    plan = plan_rows(tmp_path, [rec(1, response_days="30", response_counting="business")])
    window = plan.memos[0].spec.response_window
    assert (window.days, window.counting.value) == (30, "business")
