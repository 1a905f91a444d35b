from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.course_status import CourseStatus, check_course_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="CourseEnrollmentProgress")


@_attrs_define
class CourseEnrollmentProgress:
    username: str
    user_id: int
    name: None | str | Unset = UNSET
    status: CourseStatus | None | str | Unset = UNSET
    progress: int | None | Unset = UNSET
    """ Percent; null when no snapshot exists for `to`. """
    current_score: int | None | Unset = UNSET
    total_time_spent: int | None | Unset = UNSET
    """ Seconds. """
    enrollment_date: datetime.datetime | None | Unset = UNSET
    completion_date: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        username = self.username

        user_id = self.user_id

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        status: None | str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, str):
            status = self.status
        else:
            status = self.status

        progress: int | None | Unset
        if isinstance(self.progress, Unset):
            progress = UNSET
        else:
            progress = self.progress

        current_score: int | None | Unset
        if isinstance(self.current_score, Unset):
            current_score = UNSET
        else:
            current_score = self.current_score

        total_time_spent: int | None | Unset
        if isinstance(self.total_time_spent, Unset):
            total_time_spent = UNSET
        else:
            total_time_spent = self.total_time_spent

        enrollment_date: None | str | Unset
        if isinstance(self.enrollment_date, Unset):
            enrollment_date = UNSET
        elif isinstance(self.enrollment_date, datetime.datetime):
            enrollment_date = self.enrollment_date.isoformat()
        else:
            enrollment_date = self.enrollment_date

        completion_date: None | str | Unset
        if isinstance(self.completion_date, Unset):
            completion_date = UNSET
        elif isinstance(self.completion_date, datetime.datetime):
            completion_date = self.completion_date.isoformat()
        else:
            completion_date = self.completion_date

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "username": username,
                "user_id": user_id,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if status is not UNSET:
            field_dict["status"] = status
        if progress is not UNSET:
            field_dict["progress"] = progress
        if current_score is not UNSET:
            field_dict["current_score"] = current_score
        if total_time_spent is not UNSET:
            field_dict["total_time_spent"] = total_time_spent
        if enrollment_date is not UNSET:
            field_dict["enrollment_date"] = enrollment_date
        if completion_date is not UNSET:
            field_dict["completion_date"] = completion_date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        username = d.pop("username")

        user_id = d.pop("user_id")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_status(data: object) -> CourseStatus | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = check_course_status(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CourseStatus | None | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_progress(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        progress = _parse_progress(d.pop("progress", UNSET))

        def _parse_current_score(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        current_score = _parse_current_score(d.pop("current_score", UNSET))

        def _parse_total_time_spent(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        total_time_spent = _parse_total_time_spent(d.pop("total_time_spent", UNSET))

        def _parse_enrollment_date(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                enrollment_date_type_0 = datetime.datetime.fromisoformat(data)

                return enrollment_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        enrollment_date = _parse_enrollment_date(d.pop("enrollment_date", UNSET))

        def _parse_completion_date(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                completion_date_type_0 = datetime.datetime.fromisoformat(data)

                return completion_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        completion_date = _parse_completion_date(d.pop("completion_date", UNSET))

        course_enrollment_progress = cls(
            username=username,
            user_id=user_id,
            name=name,
            status=status,
            progress=progress,
            current_score=current_score,
            total_time_spent=total_time_spent,
            enrollment_date=enrollment_date,
            completion_date=completion_date,
        )

        course_enrollment_progress.additional_properties = d
        return course_enrollment_progress

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
