from typing import Literal

AnalyticsAccess = Literal["Full Access", "Restricted"]

ANALYTICS_ACCESS_VALUES: set[AnalyticsAccess] = {
    "Full Access",
    "Restricted",
}


def check_analytics_access(value: str) -> AnalyticsAccess:
    if value in ANALYTICS_ACCESS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ANALYTICS_ACCESS_VALUES!r}")
