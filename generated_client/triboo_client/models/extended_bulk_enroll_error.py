from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.extended_bulk_enroll_error_results_item import (
        ExtendedBulkEnrollErrorResultsItem,
    )


T = TypeVar("T", bound="ExtendedBulkEnrollError")


@_attrs_define
class ExtendedBulkEnrollError:
    action: str | Unset = UNSET
    results: list[ExtendedBulkEnrollErrorResultsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        results: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.results, Unset):
            results = []
            for results_item_data in self.results:
                results_item = results_item_data.to_dict()
                results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if action is not UNSET:
            field_dict["action"] = action
        if results is not UNSET:
            field_dict["results"] = results

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.extended_bulk_enroll_error_results_item import (
            ExtendedBulkEnrollErrorResultsItem,  # noqa: PLC0415
        )

        d = dict(src_dict)
        action = d.pop("action", UNSET)

        _results = d.pop("results", UNSET)
        results: list[ExtendedBulkEnrollErrorResultsItem] | Unset = UNSET
        if _results is not UNSET:
            results = []
            for results_item_data in _results:
                results_item = ExtendedBulkEnrollErrorResultsItem.from_dict(results_item_data)

                results.append(results_item)

        extended_bulk_enroll_error = cls(
            action=action,
            results=results,
        )

        extended_bulk_enroll_error.additional_properties = d
        return extended_bulk_enroll_error

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
