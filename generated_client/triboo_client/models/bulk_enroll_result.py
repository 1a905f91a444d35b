from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.enrollment_state import EnrollmentState


T = TypeVar("T", bound="BulkEnrollResult")


@_attrs_define
class BulkEnrollResult:
    """One identifier's outcome; `before`/`after`, or `invalidIdentifier`, or `error`."""

    identifier: str
    before: EnrollmentState | Unset = UNSET
    after: EnrollmentState | Unset = UNSET
    invalid_identifier: bool | Unset = UNSET
    error: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        identifier = self.identifier

        before: dict[str, Any] | Unset = UNSET
        if not isinstance(self.before, Unset):
            before = self.before.to_dict()

        after: dict[str, Any] | Unset = UNSET
        if not isinstance(self.after, Unset):
            after = self.after.to_dict()

        invalid_identifier = self.invalid_identifier

        error = self.error

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "identifier": identifier,
            }
        )
        if before is not UNSET:
            field_dict["before"] = before
        if after is not UNSET:
            field_dict["after"] = after
        if invalid_identifier is not UNSET:
            field_dict["invalidIdentifier"] = invalid_identifier
        if error is not UNSET:
            field_dict["error"] = error

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.enrollment_state import EnrollmentState  # noqa: PLC0415

        d = dict(src_dict)
        identifier = d.pop("identifier")

        _before = d.pop("before", UNSET)
        before: EnrollmentState | Unset
        if isinstance(_before, Unset):
            before = UNSET
        else:
            before = EnrollmentState.from_dict(_before)

        _after = d.pop("after", UNSET)
        after: EnrollmentState | Unset
        if isinstance(_after, Unset):
            after = UNSET
        else:
            after = EnrollmentState.from_dict(_after)

        invalid_identifier = d.pop("invalidIdentifier", UNSET)

        error = d.pop("error", UNSET)

        bulk_enroll_result = cls(
            identifier=identifier,
            before=before,
            after=after,
            invalid_identifier=invalid_identifier,
            error=error,
        )

        bulk_enroll_result.additional_properties = d
        return bulk_enroll_result

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
