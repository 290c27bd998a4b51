"""Delivery attempt rows: one per attempt to deliver a notice, whatever the outcome."""

from __future__ import annotations

from sqlmodel import Session, col, select

from store.tables import Delivery, DeliveryCreate, DeliveryPublic, Outcome


def create_delivery(session: Session, *, delivery_in: DeliveryCreate) -> DeliveryPublic:
    """Insert one delivery row and commit."""
    row = Delivery.model_validate(delivery_in)
    session.add(row)
    session.commit()
    session.refresh(row)
    return DeliveryPublic.model_validate(row)


def get_delivered(session: Session, *, idempotency_key: str) -> DeliveryPublic | None:
    """The first successful delivery of the notice with `idempotency_key`, if any."""
    row = session.exec(
        select(Delivery)
        .where(Delivery.idempotency_key == idempotency_key)
        .where(Delivery.outcome == Outcome.DELIVERED.value)
        .order_by(col(Delivery.id))
    ).first()
    return DeliveryPublic.model_validate(row) if row is not None else None
