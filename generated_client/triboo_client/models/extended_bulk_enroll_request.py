from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.enrollment_action import EnrollmentAction, check_enrollment_action
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExtendedBulkEnrollRequest")


@_attrs_define
class ExtendedBulkEnrollRequest:
    """At least one of `usernames`, `emails` and `user_ids` is required."""

    action: EnrollmentAction
    courses: str
    """ Comma-separated course keys (`course-v1:<org>+<course>+<run>`); a malformed
    key or an empty item (a trailing comma) is a 400
    `{"courses": ["Course key not valid: <key>"]}`. Read as in
    `BulkEnrollRequest`: `""` or `[]` is no course (200), an array is reduced to
    its first item, an item that is no text is a 500.
     """
    usernames: str | Unset = UNSET
    """ Usernames separated by commas or line breaks (spaces do not separate). Not blank (spaces alone are blank).
    """
    emails: str | Unset = UNSET
    """ E-mails separated by commas or line breaks (spaces do not separate). Not blank (spaces alone are blank). """
    user_ids: str | Unset = UNSET
    """ User ids separated by commas or line breaks (spaces do not separate). Not blank (spaces alone are blank).
    """
    email_students: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action: str = self.action

        courses = self.courses

        usernames = self.usernames

        emails = self.emails

        user_ids = self.user_ids

        email_students = self.email_students

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "courses": courses,
            }
        )
        if usernames is not UNSET:
            field_dict["usernames"] = usernames
        if emails is not UNSET:
            field_dict["emails"] = emails
        if user_ids is not UNSET:
            field_dict["user_ids"] = user_ids
        if email_students is not UNSET:
            field_dict["email_students"] = email_students

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        action = check_enrollment_action(d.pop("action"))

        courses = d.pop("courses")

        usernames = d.pop("usernames", UNSET)

        emails = d.pop("emails", UNSET)

        user_ids = d.pop("user_ids", UNSET)

        email_students = d.pop("email_students", UNSET)

        extended_bulk_enroll_request = cls(
            action=action,
            courses=courses,
            usernames=usernames,
            emails=emails,
            user_ids=user_ids,
            email_students=email_students,
        )

        extended_bulk_enroll_request.additional_properties = d
        return extended_bulk_enroll_request

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
