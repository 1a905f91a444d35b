from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.token_type import TokenType, check_token_type
from ..types import UNSET, Unset

T = TypeVar("T", bound="AccessToken")


@_attrs_define
class AccessToken:
    access_token: str
    """ The token. Treat it as a secret. """
    expires_in: int
    """ Lifetime in seconds (36000 on current builds, 31535999 on legacy ones). """
    token_type: str | TokenType | Unset = UNSET
    """ `Bearer` or `JWT` (known values). """
    scope: str | Unset = UNSET
    id_token: str | Unset = UNSET
    """ An OpenID Connect id token, sent with JWTs. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        access_token = self.access_token

        expires_in = self.expires_in

        token_type: str | Unset
        if isinstance(self.token_type, Unset):
            token_type = UNSET
        elif isinstance(self.token_type, str):
            token_type = self.token_type
        else:
            token_type = self.token_type

        scope = self.scope

        id_token = self.id_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "access_token": access_token,
                "expires_in": expires_in,
            }
        )
        if token_type is not UNSET:
            field_dict["token_type"] = token_type
        if scope is not UNSET:
            field_dict["scope"] = scope
        if id_token is not UNSET:
            field_dict["id_token"] = id_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        access_token = d.pop("access_token")

        expires_in = d.pop("expires_in")

        def _parse_token_type(data: object) -> str | TokenType | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                token_type_type_0 = check_token_type(data)

                return token_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(str | TokenType | Unset, data)

        token_type = _parse_token_type(d.pop("token_type", UNSET))

        scope = d.pop("scope", UNSET)

        id_token = d.pop("id_token", UNSET)

        access_token = cls(
            access_token=access_token,
            expires_in=expires_in,
            token_type=token_type,
            scope=scope,
            id_token=id_token,
        )

        access_token.additional_properties = d
        return access_token

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
