"""Accounts: creation, authentication and organisations."""

from __future__ import annotations

import sqlalchemy as sa

from tracing.db import db
from tracing.models import Organization, OrgKind, Role, User
from tracing.passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password


class AccountError(ValueError):
    """A request to create or change an account that cannot be honoured."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_organization(slug: str) -> Organization | None:
    return db.session.scalars(sa.select(Organization).where(Organization.slug == slug)).first()


def create_organization(
    slug: str, name: str, kind: OrgKind = OrgKind.NGO, *, verified: bool = False
) -> Organization:
    if get_organization(slug) is not None:
        raise AccountError(f"organisation {slug!r} already exists")
    org = Organization(slug=slug, name=name, kind=kind, verified=verified)
    db.session.add(org)
    db.session.flush()
    return org


def create_user(
    email: str, name: str, password: str, role: Role, organization: Organization
) -> User:
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError("an e-mail address is needed")
    if len(password) < MIN_LENGTH:
        raise AccountError(f"the password must have at least {MIN_LENGTH} characters")
    if db.session.scalars(sa.select(User).where(User.email == email)).first() is not None:
        raise AccountError(f"a user with e-mail {email} already exists")
    user = User(
        email=email,
        name=name,
        password_hash=hash_password(password),
        role=role,
        org_id=organization.id,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this e-mail and password, or None (timing does not tell which)."""
    user = db.session.scalars(sa.select(User).where(User.email == normalise_email(email))).first()
    if not verify_password(user.password_hash if user else None, password):
        return None
    assert user is not None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
