"""What the sandbox holds, computed from its store: the expected contents of exports."""

from __future__ import annotations

from typing import Any


def expected_progress(server: Any, usernames: set[str] | None = None) -> set[tuple[Any, ...]]:
    """(user_id, course_id, status, progress, score, time) of every active enrollment in acme."""
    store = server.sandbox.store
    rows = set()
    for user in store.users.values():
        if user.org != "acme" or (usernames is not None and user.username not in usernames):
            continue
        for enrollment in store.enrollments.get(user.user_id, {}).values():
            if enrollment.is_active:
                rows.add(
                    (
                        user.user_id,
                        enrollment.course_key,
                        enrollment.status,
                        enrollment.progress,
                        enrollment.score,
                        enrollment.time_spent,
                    )
                )
    return rows


def exported_progress(rows: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    """The same tuples from exported rows (any format: values are cast back to int)."""
    return {
        (
            int(r["user_id"]),
            r["course_id"],
            r["status"],
            int(r["progress"]),
            int(r["current_score"]),
            int(r["total_time_spent"]),
        )
        for r in rows
    }
