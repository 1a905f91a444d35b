from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.enrollment_course_details import EnrollmentCourseDetails


T = TypeVar("T", bound="EnrollmentRequest")


@_attrs_define
class EnrollmentRequest:
    user: str
    """ Username of an existing user (the vendor document says `username`). """
    course_details: EnrollmentCourseDetails
    mode: str | Unset = "honor"
    """ Course mode, e.g. `honor`, `audit`, `verified`. """
    is_active: bool | Unset = True
    """ `false` unenrolls. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user = self.user

        course_details = self.course_details.to_dict()

        mode = self.mode

        is_active = self.is_active

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user": user,
                "course_details": course_details,
            }
        )
        if mode is not UNSET:
            field_dict["mode"] = mode
        if is_active is not UNSET:
            field_dict["is_active"] = is_active

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.enrollment_course_details import EnrollmentCourseDetails  # noqa: PLC0415

        d = dict(src_dict)
        user = d.pop("user")

        course_details = EnrollmentCourseDetails.from_dict(d.pop("course_details"))

        mode = d.pop("mode", UNSET)

        is_active = d.pop("is_active", UNSET)

        enrollment_request = cls(
            user=user,
            course_details=course_details,
            mode=mode,
            is_active=is_active,
        )

        enrollment_request.additional_properties = d
        return enrollment_request

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
