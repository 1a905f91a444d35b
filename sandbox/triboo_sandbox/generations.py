"""The two server generations a tenant may run, as one switch each.

``current`` is the Learning Tribes fork's ``extended_api`` app (a 2023 snapshot); ``2021`` is
its predecessor plugin. ``../shared/triboo-server-behavior.md`` lists how they differ; a
:class:`Generation` sets every one of those differences together, so a test or a demo never
has to know which traps to combine. Single traps stay available as quirks
(``legacy-errors``, ``legacy-roles``), applied on top of a generation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

# Catalog flags the current generation added; 2021 users have none of them.
CURRENT_ONLY_FLAGS = frozenset(
    {
        "linkedin_catalog_access",
        "udemy_catalog_access",
        "founderz_catalog_access",
        "siemens_catalog_access",
        "triboo_centrical_access",
    }
)
# Course categories as 2021 builds send them (raw keys), from the current display names.
RAW_CATEGORIES = {
    "Online": "online",
    "ILT": "ilt",
    "Virtual classroom": "virtual_classroom",
    "Blended learning": "blended_learning",
    "Microlearning": "microlearning",
}


@dataclass(frozen=True)
class Generation:
    """What one server generation does where the two differ."""

    name: str
    # 409/404 bodies are {"status": "<code>"}; an already inactive user deactivated alone is
    # a 200 with status user_already_inactive (current: a 409).
    legacy_errors: bool
    # The super admin role is spelled "Super Platform Admin", and create and update may
    # grant it (the user becomes staff and superuser).
    legacy_roles: bool
    # Catalog flags mean "access denied" when true (current: "access allowed"), and the
    # flags the current generation added are absent.
    legacy_catalog_flags: bool
    page_size_cap: int
    # users_by_email/ and user_progress_report_by_email/ are routed.
    email_routes: bool
    # Create and update answers carry is_active (create forces it to true).
    active_in_answers: bool
    # User progress report items carry the user's e-mail.
    email_in_reports: bool
    # A create answer carries password_reset_link.
    password_reset_link: bool
    # Courses send description/duration and display categories (2021: short_description,
    # effort and raw category keys).
    current_course_fields: bool
    # A server crash is Django's HTML 500 page (current: {"api_error_message": ...}).
    html_crashes: bool
    # An update reads ``is_active``: a truthy value reactivates an inactive user (2021:
    # the field is not read, so an inactive user's update is a 409).
    update_reactivates: bool
    # A PUT without ``platform_role`` resets the user to Learner (2021 only).
    put_resets_role: bool
    # ``lt_ilt_supervisor`` is a boolean (current: an e-mail).
    boolean_ilt_supervisor: bool
    # A token's ``expires_in``, in seconds.
    token_ttl: int


CURRENT = Generation(
    name="current",
    legacy_errors=False,
    legacy_roles=False,
    legacy_catalog_flags=False,
    page_size_cap=1000,
    email_routes=True,
    active_in_answers=True,
    email_in_reports=True,
    password_reset_link=True,
    current_course_fields=True,
    html_crashes=False,
    update_reactivates=True,
    put_resets_role=False,
    boolean_ilt_supervisor=False,
    token_ttl=36000,
)
LEGACY_2021 = Generation(
    name="2021",
    legacy_errors=True,
    legacy_roles=True,
    legacy_catalog_flags=True,
    page_size_cap=100,
    email_routes=False,
    active_in_answers=False,
    email_in_reports=False,
    password_reset_link=False,
    current_course_fields=False,
    html_crashes=True,
    update_reactivates=False,
    put_resets_role=True,
    boolean_ilt_supervisor=True,
    token_ttl=31535999,
)
GENERATIONS = {generation.name: generation for generation in (CURRENT, LEGACY_2021)}


def resolve(name: str, quirks: Iterable[str] = ()) -> Generation:
    """The generation called ``name``, with single-trap ``quirks`` applied on top.

    :raises ValueError: an unknown generation.
    """
    if name not in GENERATIONS:
        raise ValueError(f"unknown generation {name!r}; known: {', '.join(GENERATIONS)}")
    chosen = set(quirks)
    return dataclasses.replace(
        GENERATIONS[name],
        legacy_errors=GENERATIONS[name].legacy_errors or "legacy-errors" in chosen,
        legacy_roles=GENERATIONS[name].legacy_roles or "legacy-roles" in chosen,
    )
