from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.token_error_code import TokenErrorCode, check_token_error_code
from ..types import UNSET, Unset

T = TypeVar("T", bound="AuthenticationError")


@_attrs_define
class AuthenticationError:
    """A 401 body; either `detail`, or `error_code` with `developer_message`."""

    detail: str | Unset = UNSET
    error_code: str | TokenErrorCode | Unset = UNSET
    """ Why the token was refused (known values). """
    developer_message: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        detail = self.detail

        error_code: str | Unset
        if isinstance(self.error_code, Unset):
            error_code = UNSET
        elif isinstance(self.error_code, str):
            error_code = self.error_code
        else:
            error_code = self.error_code

        developer_message = self.developer_message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if detail is not UNSET:
            field_dict["detail"] = detail
        if error_code is not UNSET:
            field_dict["error_code"] = error_code
        if developer_message is not UNSET:
            field_dict["developer_message"] = developer_message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        detail = d.pop("detail", UNSET)

        def _parse_error_code(data: object) -> str | TokenErrorCode | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                error_code_type_0 = check_token_error_code(data)

                return error_code_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(str | TokenErrorCode | Unset, data)

        error_code = _parse_error_code(d.pop("error_code", UNSET))

        developer_message = d.pop("developer_message", UNSET)

        authentication_error = cls(
            detail=detail,
            error_code=error_code,
            developer_message=developer_message,
        )

        authentication_error.additional_properties = d
        return authentication_error

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
