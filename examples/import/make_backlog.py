"""Writes examples/import/backlog.csv: an office's backlog of 40 memos in mixed states.

The example must be the same on every run (tests count its states), so the generator uses
a fixed seed and dates relative to fixed dates, never today. Run it from anywhere:
`python examples/import/make_backlog.py`. The file is committed; this script says how it
was made and lets it be remade after a change of columns.
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

SEED = 20261130
AS_OF = date(2026, 11, 30)  # the backlog is as the office knew it on this day
HEADERS = ["memo_id", "title", "component", "issued_on", "office", "response_days",
           "component_contact", "component_email", "case_officer", "case_officer_email",
           "number", "text", "kind", "priority", "decision", "rationale", "received_on",
           "plan_official", "plan_target_on", "resolution", "resolved_on", "closure_reason",
           "closure_justification", "closed_on", "evidence_uri", "evidence_title"]
COMPONENTS = {"CBP": "U.S. Customs and Border Protection", "ICE": "Immigration and Customs "
              "Enforcement", "TSA": "Transportation Security Administration",
              "USCIS": "U.S. Citizenship and Immigration Services",
              "FEMA": "Federal Emergency Management Agency", "USCG": "U.S. Coast Guard"}
SUBJECTS = ["detention standards at {site}", "use of force reporting in {site}",
            "language access at {site}", "medical care for detainees in {site}",
            "searches of electronic devices at {site}", "records retention in {site}",
            "complaint intake at {site}", "disability accommodations at {site}",
            "body-worn camera policy in {site}", "family separation records in {site}"]
SITES = ["the El Paso field office", "the Newark area", "the San Diego sector",
         "the Miami district", "Tucson facilities", "the Seattle field office",
         "the Houston area", "the Buffalo sector", "Atlanta processing centers"]
ACTIONS = ["Issue written guidance that defines", "Train all supervisors on",
           "Establish a quarterly review of", "Designate an official accountable for",
           "Publish a directive requiring", "Audit a sample of case files for",
           "Update the standard operating procedure for", "Track and report monthly on"]
OBJECTS = ["the documentation of each use of force", "timely access to interpreters",
           "the retention of search records", "the handling of medical grievances",
           "the notification of detainees' counsel", "the review of complaints within 30 days",
           "the accommodation requests of detainees with disabilities",
           "the storage of recorded video", "the reporting of deaths in custody"]
REFUSALS = ["Existing policy already requires this; a new directive would duplicate it.",
            "The component lacks the funding to implement this in the current fiscal year.",
            "The recommended review would divert officers from operational duties."]
PARTIALS = ["The component agrees to train supervisors but not to add a new review layer.",
            "The component will update guidance but considers monthly reporting excessive."]
OFFICIALS = ["Deputy Executive Associate Director", "Assistant Commissioner, Field Operations",
             "Chief, Policy and Compliance", "Director, Office of Detention Oversight"]


def weekday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def memo_rows(rng: random.Random, index: int) -> list[dict[str, str]]:
    """One memo's rows; its state follows from its age (recent memos are still open)."""
    code = rng.choice(sorted(COMPONENTS))
    if index < 37:  # spread over 2019 to mid-2026
        issued = date(2019, 1, 7) + timedelta(days=index * 74 + rng.randrange(0, 20))
    else:  # the last three are recent: their responses are not due yet
        issued = date(2026, 9, 21) + timedelta(days=(index - 37) * 12)
    issued = weekday(issued)
    subject = rng.choice(SUBJECTS).format(site=rng.choice(SITES))
    memo = {"memo_id": f"CRCL-{issued.year}-{code}-{index + 1:03d}",
            "title": f"{COMPONENTS[code]}: {subject}", "component": code,
            "issued_on": issued.isoformat(), "office": "CRCL", "response_days": "60",
            "component_contact": f"{code} audit liaison",
            "component_email": f"audit-liaison@{code.lower()}.example",
            "case_officer": "Case officer", "case_officer_email": "officer@crcl.example"}
    due = issued + timedelta(days=60)
    answered = due + timedelta(days=rng.randrange(-20, 90)) < AS_OF and rng.random() > 0.15
    received = weekday(due + timedelta(days=rng.randrange(-20, 60)))
    rows = []
    for number in range(1, rng.choice([5, 6, 7, 8, 9, 10]) + 1):
        row = dict.fromkeys(HEADERS, "") | memo
        row |= {"number": str(number), "kind": "recommendation",
                "text": f"{rng.choice(ACTIONS)} {rng.choice(OBJECTS)}.",
                "priority": rng.choice(["yes", "no", "no", ""])}
        if answered and received <= AS_OF:
            history(rng, row, received)
        rows.append(row)
    return rows


def history(rng: random.Random, row: dict[str, str], received: date) -> None:
    """What the component answered for one recommendation and what followed."""
    decision = rng.choices(["concur", "partially_concur", "non_concur"], [6, 2, 2])[0]
    row |= {"decision": decision, "received_on": received.isoformat()}
    if decision == "non_concur":
        row["rationale"] = rng.choice(REFUSALS)
        closed = weekday(received + timedelta(days=rng.randrange(30, 200)))
        if closed < AS_OF and rng.random() < 0.7:
            row |= {"resolution": "resolved", "resolved_on": closed.isoformat(),
                    "closure_reason": "not_implemented", "closed_on": closed.isoformat(),
                    "closure_justification": "The office accepted the non-concurrence; "
                    "no further action will be taken."}
        return
    if decision == "partially_concur":
        row["rationale"] = rng.choice(PARTIALS)
    target = weekday(received + timedelta(days=rng.randrange(180, 900)))
    row |= {"plan_official": rng.choice(OFFICIALS), "plan_target_on": target.isoformat()}
    resolved = weekday(received + timedelta(days=rng.randrange(14, 120)))
    if resolved > AS_OF or rng.random() < 0.2:
        return  # answered, the plan not yet accepted
    row |= {"resolution": "resolved", "resolved_on": resolved.isoformat()}
    closed = weekday(resolved + timedelta(days=rng.randrange(150, 1000)))
    if closed < AS_OF and rng.random() < 0.75:
        row |= {"closure_reason": "implemented", "closed_on": closed.isoformat(),
                "closure_justification": "The component provided documentation showing "
                "the recommended action is complete.",
                "evidence_uri": f"https://records.crcl.example/evidence/{row['memo_id']}-"
                                f"{row['number']}.pdf",
                "evidence_title": "Component closure documentation"}


def main() -> None:
    rng = random.Random(SEED)
    rows = [row for index in range(40) for row in memo_rows(rng, index)]
    path = Path(__file__).with_name("backlog.csv")
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, HEADERS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {path}")


if __name__ == "__main__":
    main()
