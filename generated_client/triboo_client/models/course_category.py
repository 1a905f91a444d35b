from typing import Literal

CourseCategory = Literal["Blended learning", "ILT", "Microlearning", "Online", "Virtual classroom"]

COURSE_CATEGORY_VALUES: set[CourseCategory] = {
    "Blended learning",
    "ILT",
    "Microlearning",
    "Online",
    "Virtual classroom",
}


def check_course_category(value: str) -> CourseCategory:
    if value in COURSE_CATEGORY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COURSE_CATEGORY_VALUES!r}")
