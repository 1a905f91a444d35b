from typing import Literal

TokenErrorCode = Literal["token_expired", "token_malformed", "token_nonexistent", "token_not_provided"]

TOKEN_ERROR_CODE_VALUES: set[TokenErrorCode] = {
    "token_expired",
    "token_malformed",
    "token_nonexistent",
    "token_not_provided",
}


def check_token_error_code(value: str) -> TokenErrorCode:
    if value in TOKEN_ERROR_CODE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TOKEN_ERROR_CODE_VALUES!r}")
