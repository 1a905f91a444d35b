from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.course_category import CourseCategory, check_course_category
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.instructor import Instructor


T = TypeVar("T", bound="Course")


@_attrs_define
class Course:
    id: str
    """ The course key, e.g. `course-v1:edX+DemoX+Demo_Course`. """
    display_name: None | str | Unset = UNSET
    overview_url: None | str | Unset = UNSET
    start: datetime.datetime | None | Unset = UNSET
    card_image_url: None | str | Unset = UNSET
    banner_image_url: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    """ Current builds; 2021 builds send `short_description`. """
    duration: None | str | Unset = UNSET
    """ Current builds; 2021 builds send `effort`. """
    short_description: None | str | Unset = UNSET
    """ 2021 builds. """
    effort: None | str | Unset = UNSET
    """ 2021 builds. """
    instructors: list[Instructor] | Unset = UNSET
    language: None | str | Unset = UNSET
    course_category: CourseCategory | None | str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    countries: list[Any] | Unset = UNSET
    """ Countries for programmatic enrollments (`course_country`). """
    learning_groups: list[Any] | Unset = UNSET
    """ Learning groups for programmatic enrollments (`enrollment_learning_groups`). """
    modified: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        overview_url: None | str | Unset
        if isinstance(self.overview_url, Unset):
            overview_url = UNSET
        else:
            overview_url = self.overview_url

        start: None | str | Unset
        if isinstance(self.start, Unset):
            start = UNSET
        elif isinstance(self.start, datetime.datetime):
            start = self.start.isoformat()
        else:
            start = self.start

        card_image_url: None | str | Unset
        if isinstance(self.card_image_url, Unset):
            card_image_url = UNSET
        else:
            card_image_url = self.card_image_url

        banner_image_url: None | str | Unset
        if isinstance(self.banner_image_url, Unset):
            banner_image_url = UNSET
        else:
            banner_image_url = self.banner_image_url

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        duration: None | str | Unset
        if isinstance(self.duration, Unset):
            duration = UNSET
        else:
            duration = self.duration

        short_description: None | str | Unset
        if isinstance(self.short_description, Unset):
            short_description = UNSET
        else:
            short_description = self.short_description

        effort: None | str | Unset
        if isinstance(self.effort, Unset):
            effort = UNSET
        else:
            effort = self.effort

        instructors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.instructors, Unset):
            instructors = []
            for instructors_item_data in self.instructors:
                instructors_item = instructors_item_data.to_dict()
                instructors.append(instructors_item)

        language: None | str | Unset
        if isinstance(self.language, Unset):
            language = UNSET
        else:
            language = self.language

        course_category: None | str | Unset
        if isinstance(self.course_category, Unset):
            course_category = UNSET
        elif isinstance(self.course_category, str):
            course_category = self.course_category
        else:
            course_category = self.course_category

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        countries: list[Any] | Unset = UNSET
        if not isinstance(self.countries, Unset):
            countries = self.countries

        learning_groups: list[Any] | Unset = UNSET
        if not isinstance(self.learning_groups, Unset):
            learning_groups = self.learning_groups

        modified: None | str | Unset
        if isinstance(self.modified, Unset):
            modified = UNSET
        elif isinstance(self.modified, datetime.datetime):
            modified = self.modified.isoformat()
        else:
            modified = self.modified

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if overview_url is not UNSET:
            field_dict["overview_url"] = overview_url
        if start is not UNSET:
            field_dict["start"] = start
        if card_image_url is not UNSET:
            field_dict["card_image_url"] = card_image_url
        if banner_image_url is not UNSET:
            field_dict["banner_image_url"] = banner_image_url
        if description is not UNSET:
            field_dict["description"] = description
        if duration is not UNSET:
            field_dict["duration"] = duration
        if short_description is not UNSET:
            field_dict["short_description"] = short_description
        if effort is not UNSET:
            field_dict["effort"] = effort
        if instructors is not UNSET:
            field_dict["instructors"] = instructors
        if language is not UNSET:
            field_dict["language"] = language
        if course_category is not UNSET:
            field_dict["course_category"] = course_category
        if tags is not UNSET:
            field_dict["tags"] = tags
        if countries is not UNSET:
            field_dict["countries"] = countries
        if learning_groups is not UNSET:
            field_dict["learning_groups"] = learning_groups
        if modified is not UNSET:
            field_dict["modified"] = modified

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.instructor import Instructor  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        def _parse_overview_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        overview_url = _parse_overview_url(d.pop("overview_url", UNSET))

        def _parse_start(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                start_type_0 = datetime.datetime.fromisoformat(data)

                return start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        start = _parse_start(d.pop("start", UNSET))

        def _parse_card_image_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        card_image_url = _parse_card_image_url(d.pop("card_image_url", UNSET))

        def _parse_banner_image_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        banner_image_url = _parse_banner_image_url(d.pop("banner_image_url", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_duration(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        duration = _parse_duration(d.pop("duration", UNSET))

        def _parse_short_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        short_description = _parse_short_description(d.pop("short_description", UNSET))

        def _parse_effort(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        effort = _parse_effort(d.pop("effort", UNSET))

        _instructors = d.pop("instructors", UNSET)
        instructors: list[Instructor] | Unset = UNSET
        if _instructors is not UNSET:
            instructors = []
            for instructors_item_data in _instructors:
                instructors_item = Instructor.from_dict(instructors_item_data)

                instructors.append(instructors_item)

        def _parse_language(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        language = _parse_language(d.pop("language", UNSET))

        def _parse_course_category(data: object) -> CourseCategory | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                course_category_type_0 = check_course_category(data)

                return course_category_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CourseCategory | None | str | Unset, data)

        course_category = _parse_course_category(d.pop("course_category", UNSET))

        tags = cast(list[str], d.pop("tags", UNSET))

        countries = cast(list[Any], d.pop("countries", UNSET))

        learning_groups = cast(list[Any], d.pop("learning_groups", UNSET))

        def _parse_modified(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                modified_type_0 = datetime.datetime.fromisoformat(data)

                return modified_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        modified = _parse_modified(d.pop("modified", UNSET))

        course = cls(
            id=id,
            display_name=display_name,
            overview_url=overview_url,
            start=start,
            card_image_url=card_image_url,
            banner_image_url=banner_image_url,
            description=description,
            duration=duration,
            short_description=short_description,
            effort=effort,
            instructors=instructors,
            language=language,
            course_category=course_category,
            tags=tags,
            countries=countries,
            learning_groups=learning_groups,
            modified=modified,
        )

        course.additional_properties = d
        return course

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
