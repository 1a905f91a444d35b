from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Badge")


@_attrs_define
class Badge:
    badge: str
    """ `<grading rule> ▸ <section>`, as in the analytics Course Progress report. """
    score: float | None | Unset = UNSET
    success: bool | None | Unset = UNSET
    success_date: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        badge = self.badge

        score: float | None | Unset
        if isinstance(self.score, Unset):
            score = UNSET
        else:
            score = self.score

        success: bool | None | Unset
        if isinstance(self.success, Unset):
            success = UNSET
        else:
            success = self.success

        success_date: None | str | Unset
        if isinstance(self.success_date, Unset):
            success_date = UNSET
        elif isinstance(self.success_date, datetime.datetime):
            success_date = self.success_date.isoformat()
        else:
            success_date = self.success_date

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "badge": badge,
            }
        )
        if score is not UNSET:
            field_dict["score"] = score
        if success is not UNSET:
            field_dict["success"] = success
        if success_date is not UNSET:
            field_dict["success_date"] = success_date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        badge = d.pop("badge")

        def _parse_score(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        score = _parse_score(d.pop("score", UNSET))

        def _parse_success(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        success = _parse_success(d.pop("success", UNSET))

        def _parse_success_date(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                success_date_type_0 = datetime.datetime.fromisoformat(data)

                return success_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        success_date = _parse_success_date(d.pop("success_date", UNSET))

        badge = cls(
            badge=badge,
            score=score,
            success=success,
            success_date=success_date,
        )

        badge.additional_properties = d
        return badge

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
