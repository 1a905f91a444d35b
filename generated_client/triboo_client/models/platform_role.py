from typing import Literal

PlatformRole = Literal[
    "Learner", "Platform Admin", "Platform Super Admin", "Studio Admin", "Studio Super Admin", "Super Platform Admin"
]

PLATFORM_ROLE_VALUES: set[PlatformRole] = {
    "Learner",
    "Platform Admin",
    "Platform Super Admin",
    "Studio Admin",
    "Studio Super Admin",
    "Super Platform Admin",
}


def check_platform_role(value: str) -> PlatformRole:
    if value in PLATFORM_ROLE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PLATFORM_ROLE_VALUES!r}")
