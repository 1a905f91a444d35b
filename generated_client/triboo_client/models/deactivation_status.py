from typing import Literal

DeactivationStatus = Literal[
    "error", "user_already_inactive", "user_deactivated", "user_is_superuser", "user_not_found"
]

DEACTIVATION_STATUS_VALUES: set[DeactivationStatus] = {
    "error",
    "user_already_inactive",
    "user_deactivated",
    "user_is_superuser",
    "user_not_found",
}


def check_deactivation_status(value: str) -> DeactivationStatus:
    if value in DEACTIVATION_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DEACTIVATION_STATUS_VALUES!r}")
