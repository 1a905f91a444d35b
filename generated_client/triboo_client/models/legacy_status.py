from typing import Literal

LegacyStatus = Literal[
    "email_already_used",
    "error",
    "user_already_inactive",
    "user_created",
    "user_deactivated",
    "user_inactive",
    "user_is_superuser",
    "user_not_found",
    "user_updated",
    "username_already_used",
]

LEGACY_STATUS_VALUES: set[LegacyStatus] = {
    "email_already_used",
    "error",
    "user_already_inactive",
    "user_created",
    "user_deactivated",
    "user_inactive",
    "user_is_superuser",
    "user_not_found",
    "user_updated",
    "username_already_used",
}


def check_legacy_status(value: str) -> LegacyStatus:
    if value in LEGACY_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LEGACY_STATUS_VALUES!r}")
