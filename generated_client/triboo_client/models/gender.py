from typing import Literal

Gender = Literal["f", "m", "o"]

GENDER_VALUES: set[Gender] = {
    "f",
    "m",
    "o",
}


def check_gender(value: str) -> Gender:
    if value in GENDER_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GENDER_VALUES!r}")
