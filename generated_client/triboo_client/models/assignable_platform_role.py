from typing import Literal

AssignablePlatformRole = Literal[
    "Learner", "Platform Admin", "Studio Admin", "Studio Super Admin", "Super Platform Admin"
]

ASSIGNABLE_PLATFORM_ROLE_VALUES: set[AssignablePlatformRole] = {
    "Learner",
    "Platform Admin",
    "Studio Admin",
    "Studio Super Admin",
    "Super Platform Admin",
}


def check_assignable_platform_role(value: str) -> AssignablePlatformRole:
    if value in ASSIGNABLE_PLATFORM_ROLE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ASSIGNABLE_PLATFORM_ROLE_VALUES!r}")
