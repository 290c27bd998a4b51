"""RecommendationWorkflow: one recommendation's own lifecycle, from response to closure.

Started by its memo (id `rec/<memo_id>/<n>`, parent close policy ABANDON so it outlives
the memo's continue-as-new). In this phase it mirrors what the memo decides for it
(response, withdrawal) and finishes once closed; follow-up actions arrive later as its
own updates, reported back to the memo with the `recommendation_changed` signal.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.memo import RecommendationState
    from domain.vocabulary import Implementation
    from workflows.inputs import RECOMMENDATION_WORKFLOW, RecommendationStart


@workflow.defn(name=RECOMMENDATION_WORKFLOW)
class RecommendationWorkflow:
    @workflow.init
    def __init__(self, start: RecommendationStart) -> None:
        self.memo_id = start.memo_id
        self.state: RecommendationState = start.recommendation

    @workflow.run
    async def run(self, start: RecommendationStart) -> RecommendationState:
        await workflow.wait_condition(
            lambda: self.state.implementation is Implementation.CLOSED)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state

    @workflow.query
    def state_query(self) -> RecommendationState:
        return self.state

    @workflow.signal
    def apply_from_memo(self, rec: RecommendationState) -> None:
        """The memo recorded the component's answer for this recommendation, or withdrew it."""
        if rec.number == self.state.number:
            self.state = rec
