from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.enrollment_course_details import EnrollmentCourseDetails


T = TypeVar("T", bound="Enrollment")


@_attrs_define
class Enrollment:
    user: str | Unset = UNSET
    mode: str | Unset = UNSET
    is_active: bool | Unset = UNSET
    created: datetime.datetime | None | Unset = UNSET
    course_details: EnrollmentCourseDetails | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user = self.user

        mode = self.mode

        is_active = self.is_active

        created: None | str | Unset
        if isinstance(self.created, Unset):
            created = UNSET
        elif isinstance(self.created, datetime.datetime):
            created = self.created.isoformat()
        else:
            created = self.created

        course_details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.course_details, Unset):
            course_details = self.course_details.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if user is not UNSET:
            field_dict["user"] = user
        if mode is not UNSET:
            field_dict["mode"] = mode
        if is_active is not UNSET:
            field_dict["is_active"] = is_active
        if created is not UNSET:
            field_dict["created"] = created
        if course_details is not UNSET:
            field_dict["course_details"] = course_details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.enrollment_course_details import EnrollmentCourseDetails  # noqa: PLC0415

        d = dict(src_dict)
        user = d.pop("user", UNSET)

        mode = d.pop("mode", UNSET)

        is_active = d.pop("is_active", UNSET)

        def _parse_created(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_type_0 = datetime.datetime.fromisoformat(data)

                return created_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        created = _parse_created(d.pop("created", UNSET))

        _course_details = d.pop("course_details", UNSET)
        course_details: EnrollmentCourseDetails | Unset
        if isinstance(_course_details, Unset):
            course_details = UNSET
        else:
            course_details = EnrollmentCourseDetails.from_dict(_course_details)

        enrollment = cls(
            user=user,
            mode=mode,
            is_active=is_active,
            created=created,
            course_details=course_details,
        )

        enrollment.additional_properties = d
        return enrollment

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
