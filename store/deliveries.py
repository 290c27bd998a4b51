"""Delivery attempt rows: one per attempt to deliver a notice, whatever the outcome."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
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


def record_attempt(session: Session, *, delivery_in: DeliveryCreate) -> tuple[DeliveryPublic, bool]:
    """Insert the row of one counted attempt unless it is there already.

    Returns the row and whether it was already written (a retried call, or a concurrent
    one that won the race on the unique `attempt_key`).
    """
    if delivery_in.attempt_key is None:
        raise ValueError("a counted attempt needs its attempt_key")
    existing = _by_attempt_key(session, delivery_in.attempt_key)
    if existing is not None:
        return existing, True
    try:
        return create_delivery(session, delivery_in=delivery_in), False
    except IntegrityError:
        session.rollback()
        existing = _by_attempt_key(session, delivery_in.attempt_key)
        if existing is None:
            raise
        return existing, True


def _by_attempt_key(session: Session, attempt_key: str) -> DeliveryPublic | None:
    row = session.exec(select(Delivery).where(Delivery.attempt_key == attempt_key)).first()
    return DeliveryPublic.model_validate(row) if row is not None else None
