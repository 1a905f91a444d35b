from typing import Literal

CourseStatus = Literal["In Progress", "Not Started", "Successful", "Unsuccessful"]

COURSE_STATUS_VALUES: set[CourseStatus] = {
    "In Progress",
    "Not Started",
    "Successful",
    "Unsuccessful",
}


def check_course_status(value: str) -> CourseStatus:
    if value in COURSE_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COURSE_STATUS_VALUES!r}")
