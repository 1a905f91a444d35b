from typing import Literal

RequestedTokenType = Literal["bearer", "jwt"]

REQUESTED_TOKEN_TYPE_VALUES: set[RequestedTokenType] = {
    "bearer",
    "jwt",
}


def check_requested_token_type(value: str) -> RequestedTokenType:
    if value in REQUESTED_TOKEN_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {REQUESTED_TOKEN_TYPE_VALUES!r}")
