from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="EnrollmentState")


@_attrs_define
class EnrollmentState:
    enrollment: bool | Unset = UNSET
    allowed: bool | Unset = UNSET
    user: bool | Unset = UNSET
    auto_enroll: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        enrollment = self.enrollment

        allowed = self.allowed

        user = self.user

        auto_enroll = self.auto_enroll

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if enrollment is not UNSET:
            field_dict["enrollment"] = enrollment
        if allowed is not UNSET:
            field_dict["allowed"] = allowed
        if user is not UNSET:
            field_dict["user"] = user
        if auto_enroll is not UNSET:
            field_dict["auto_enroll"] = auto_enroll

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        enrollment = d.pop("enrollment", UNSET)

        allowed = d.pop("allowed", UNSET)

        user = d.pop("user", UNSET)

        auto_enroll = d.pop("auto_enroll", UNSET)

        enrollment_state = cls(
            enrollment=enrollment,
            allowed=allowed,
            user=user,
            auto_enroll=auto_enroll,
        )

        enrollment_state.additional_properties = d
        return enrollment_state

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
