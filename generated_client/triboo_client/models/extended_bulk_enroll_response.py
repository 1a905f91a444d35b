from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.extended_bulk_enroll_response_courses import (
        ExtendedBulkEnrollResponseCourses,
    )


T = TypeVar("T", bound="ExtendedBulkEnrollResponse")


@_attrs_define
class ExtendedBulkEnrollResponse:
    courses: ExtendedBulkEnrollResponseCourses
    action: str | Unset = UNSET
    email_students: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        courses = self.courses.to_dict()

        action = self.action

        email_students = self.email_students

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "courses": courses,
            }
        )
        if action is not UNSET:
            field_dict["action"] = action
        if email_students is not UNSET:
            field_dict["email_students"] = email_students

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.extended_bulk_enroll_response_courses import (
            ExtendedBulkEnrollResponseCourses,  # noqa: PLC0415
        )

        d = dict(src_dict)
        courses = ExtendedBulkEnrollResponseCourses.from_dict(d.pop("courses"))

        action = d.pop("action", UNSET)

        email_students = d.pop("email_students", UNSET)

        extended_bulk_enroll_response = cls(
            courses=courses,
            action=action,
            email_students=email_students,
        )

        extended_bulk_enroll_response.additional_properties = d
        return extended_bulk_enroll_response

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
