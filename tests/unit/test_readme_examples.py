"""The memo file shown in the README is a valid memo file."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from domain.memo import MemoSpec

README = Path(__file__).parents[2] / "README.md"


def test_the_readme_memo_file_validates_with_its_follow_up_policy() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", README.read_text(), re.S)
    memo_blocks = [b for b in blocks if b.lstrip().startswith("memo_id:")]
    assert memo_blocks, "README shows a memo file"
    spec = MemoSpec.model_validate(yaml.safe_load(memo_blocks[0]))
    assert spec.follow_up.status_update_every_days == 90
    assert spec.follow_up.status_update_ladder.escalations[0].to == "manager"
    assert spec.ladder.days_before == (14, 7, 1)
