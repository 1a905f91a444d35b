from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.course_enrollment_progress import CourseEnrollmentProgress


T = TypeVar("T", bound="CourseProgressReport")


@_attrs_define
class CourseProgressReport:
    course_id: str
    enrollments: list[CourseEnrollmentProgress]
    course_title: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        course_id = self.course_id

        enrollments = []
        for enrollments_item_data in self.enrollments:
            enrollments_item = enrollments_item_data.to_dict()
            enrollments.append(enrollments_item)

        course_title: None | str | Unset
        if isinstance(self.course_title, Unset):
            course_title = UNSET
        else:
            course_title = self.course_title

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "course_id": course_id,
                "enrollments": enrollments,
            }
        )
        if course_title is not UNSET:
            field_dict["course_title"] = course_title

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.course_enrollment_progress import CourseEnrollmentProgress  # noqa: PLC0415

        d = dict(src_dict)
        course_id = d.pop("course_id")

        enrollments = []
        _enrollments = d.pop("enrollments")
        for enrollments_item_data in _enrollments:
            enrollments_item = CourseEnrollmentProgress.from_dict(enrollments_item_data)

            enrollments.append(enrollments_item)

        def _parse_course_title(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        course_title = _parse_course_title(d.pop("course_title", UNSET))

        course_progress_report = cls(
            course_id=course_id,
            enrollments=enrollments,
            course_title=course_title,
        )

        course_progress_report.additional_properties = d
        return course_progress_report

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
