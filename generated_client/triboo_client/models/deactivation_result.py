from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.deactivation_status import DeactivationStatus, check_deactivation_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="DeactivationResult")


@_attrs_define
class DeactivationResult:
    status: DeactivationStatus | str
    """ Known values in `DeactivationStatus`. """
    user_id: int | None | Unset = UNSET
    """ Null for a username that was not found, and for the id `0` (the server reads
    the falsy id as no id).
     """
    username: str | Unset = UNSET
    """ `""` for an id that was not found. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status: str
        if isinstance(self.status, str):
            status = self.status
        else:
            status = self.status

        user_id: int | None | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        username = self.username

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
            }
        )
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if username is not UNSET:
            field_dict["username"] = username

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_status(data: object) -> DeactivationStatus | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = check_deactivation_status(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DeactivationStatus | str, data)

        status = _parse_status(d.pop("status"))

        def _parse_user_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        user_id = _parse_user_id(d.pop("user_id", UNSET))

        username = d.pop("username", UNSET)

        deactivation_result = cls(
            status=status,
            user_id=user_id,
            username=username,
        )

        deactivation_result.additional_properties = d
        return deactivation_result

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
