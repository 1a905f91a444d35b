from typing import Literal

EnrollmentAction = Literal["enroll", "unenroll"]

ENROLLMENT_ACTION_VALUES: set[EnrollmentAction] = {
    "enroll",
    "unenroll",
}


def check_enrollment_action(value: str) -> EnrollmentAction:
    if value in ENROLLMENT_ACTION_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ENROLLMENT_ACTION_VALUES!r}")
