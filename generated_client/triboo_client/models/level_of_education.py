from typing import Literal

LevelOfEducation = Literal["a", "b", "el", "hs", "jhs", "m", "none", "other", "p"]

LEVEL_OF_EDUCATION_VALUES: set[LevelOfEducation] = {
    "a",
    "b",
    "el",
    "hs",
    "jhs",
    "m",
    "none",
    "other",
    "p",
}


def check_level_of_education(value: str) -> LevelOfEducation:
    if value in LEVEL_OF_EDUCATION_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LEVEL_OF_EDUCATION_VALUES!r}")
