from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.enrollment_action import EnrollmentAction, check_enrollment_action
from ..types import UNSET, Unset

T = TypeVar("T", bound="BulkEnrollRequest")


@_attrs_define
class BulkEnrollRequest:
    action: EnrollmentAction
    courses: str
    """ Comma-separated course keys, no spaces, each as opaque-keys parses one
    (`course-v1:<org>+<course>+<run>`): a malformed key is a 400
    `{"courses": ["Course key not valid: <key>"]}`, and so is an empty item (a
    trailing comma: `Course key not valid: `). The field is Django REST framework's
    `StringListField` as the server uses it: `""` or `[]` is no course (a 200 with
    no result), an array is reduced to its first item, and an item that is no text
    crashes the serializer (500). Global staff may enroll into any course of the
    platform: this route is not scoped to the API user's organisation.
     """
    identifiers: str
    """ E-mails and/or usernames separated by commas or line breaks (the upstream
    `_split_input_list`); spaces do not separate, surrounding spaces are stripped.
     """
    auto_enroll: bool | Unset = False
    """ Pre-enroll identifiers that have no account yet. """
    email_students: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action: str = self.action

        courses = self.courses

        identifiers = self.identifiers

        auto_enroll = self.auto_enroll

        email_students = self.email_students

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "courses": courses,
                "identifiers": identifiers,
            }
        )
        if auto_enroll is not UNSET:
            field_dict["auto_enroll"] = auto_enroll
        if email_students is not UNSET:
            field_dict["email_students"] = email_students

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = check_enrollment_action(d.pop("action"))

        courses = d.pop("courses")

        identifiers = d.pop("identifiers")

        auto_enroll = d.pop("auto_enroll", UNSET)

        email_students = d.pop("email_students", UNSET)

        bulk_enroll_request = cls(
            action=action,
            courses=courses,
            identifiers=identifiers,
            auto_enroll=auto_enroll,
            email_students=email_students,
        )

        bulk_enroll_request.additional_properties = d
        return bulk_enroll_request

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
